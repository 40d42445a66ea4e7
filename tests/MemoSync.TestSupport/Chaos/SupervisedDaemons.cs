using System.Collections.Concurrent;
using System.Diagnostics;

namespace MemoSync.TestSupport.Chaos;

/// <summary>
/// <c>memosync run</c> daemons kept running as systemd's <c>Restart=on-failure</c> keeps the deployed unit: a daemon that
/// exits non-zero or by a signal is started again after a pause; one that exits 0 without being asked to stop is not, and
/// is reported as a silent stop. Every exit is kept with its code and why it happened.
/// </summary>
internal sealed class SupervisedDaemons
{
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly Random _random;
    private readonly Lock _gate = new();
    private readonly Process?[] _running;
    private readonly bool[] _ready;
    private readonly Task[] _slots;
    private readonly ConcurrentQueue<DaemonExit> _exits = new();
    private readonly ConcurrentDictionary<int, bool> _killed = new();
    private readonly ConcurrentQueue<Process> _started = new();
    private bool _stopping;

    public SupervisedDaemons(int count, IReadOnlyDictionary<string, string> environment, Random random)
    {
        (_environment, _random, _running, _ready) = (environment, random, new Process?[count], new bool[count]);
        _slots = Enumerable.Range(0, count).Select(slot => Task.Run(() => SuperviseAsync(slot))).ToArray();
    }

    /// <summary>Every exit so far, in order.</summary>
    public IReadOnlyCollection<DaemonExit> Exits => _exits;

    /// <summary>Daemons that have started delivering (said so after Memobase's first answer) and not exited since.</summary>
    public int Delivering
    {
        get
        {
            lock (_gate)
            {
                return _ready.Count(r => r);
            }
        }
    }

    /// <summary>Whether the daemon in <paramref name="slot"/> runs now.</summary>
    public bool IsRunning(int slot)
    {
        lock (_gate)
        {
            return _running[slot] is not null;
        }
    }

    /// <summary>SIGKILLs the daemon in <paramref name="slot"/> if it runs: no drain, no last write.</summary>
    public void Kill(int slot)
    {
        lock (_gate)
        {
            if (_running[slot] is { } daemon)
            {
                _killed[daemon.Id] = true;
                daemon.Kill();
            }
        }
    }

    /// <summary>Stops every daemon with SIGTERM, as systemd does, and waits for each to drain and exit (SIGKILL after 60 s).</summary>
    public async Task StopAsync()
    {
        Process[] running;
        lock (_gate)
        {
            _stopping = true;
            running = _running.OfType<Process>().ToArray();
        }
        foreach (var daemon in running)
        {
            try
            {
                await CliProcess.StopAsync(daemon, "TERM", TimeSpan.FromSeconds(60));
            }
            catch (OperationCanceledException)
            {
                daemon.Kill();
            }
        }
        await Task.WhenAll(_slots);
        foreach (var daemon in _started)
        {
            daemon.Dispose();
        }
    }

    private async Task SuperviseAsync(int slot)
    {
        while (true)
        {
            var lastLines = new ConcurrentQueue<string>();
            // Disposed at the end, not here: StopAsync may still be waiting on it.
            var daemon = CliProcess.Start(_environment, "run");
            _started.Enqueue(daemon);
            lock (_gate)
            {
                _running[slot] = daemon;
            }
            void Started()
            {
                lock (_gate)
                {
                    _ready[slot] = true;
                }
            }
            var reading = Task.WhenAll(KeepLastAsync(daemon.StandardOutput, lastLines, Started), KeepLastAsync(daemon.StandardError, lastLines, () => { }));
            await daemon.WaitForExitAsync();
            await reading;
            bool stopping;
            lock (_gate)
            {
                _running[slot] = null;
                _ready[slot] = false;
                stopping = _stopping;
            }
            var why = _killed.ContainsKey(daemon.Id) ? DaemonExitCause.KilledBySoak
                : stopping ? DaemonExitCause.StoppedAtEnd
                : DaemonExitCause.OnItsOwn;
            var restarted = why != DaemonExitCause.StoppedAtEnd && !stopping && daemon.ExitCode != 0;
            _exits.Enqueue(new DaemonExit(slot, daemon.ExitCode, why, restarted, why == DaemonExitCause.OnItsOwn ? string.Join(" | ", lastLines) : null));
            if (!restarted)
            {
                return;
            }
            int pauseMs;
            lock (_gate)
            {
                pauseMs = _random.Next(500, 3000);
            }
            await Task.Delay(pauseMs);
        }
    }

    /// <summary>Keeps the last lines of <paramref name="output"/>; calls <paramref name="started"/> on the daemon's line saying it delivers.</summary>
    private static async Task KeepLastAsync(StreamReader output, ConcurrentQueue<string> lastLines, Action started)
    {
        while (await output.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("memosync run: journal ", StringComparison.Ordinal))
            {
                started();
            }
            lastLines.Enqueue(line);
            while (lastLines.Count > 10 && lastLines.TryDequeue(out _))
            {
            }
        }
    }
}

/// <summary>Why a daemon exited.</summary>
public enum DaemonExitCause
{
    /// <summary>The soak SIGKILLed it.</summary>
    KilledBySoak,

    /// <summary>SIGTERM at the end of the soak.</summary>
    StoppedAtEnd,

    /// <summary>Nobody asked it to: it stopped by itself.</summary>
    OnItsOwn,
}

/// <summary>One exit of a daemon.</summary>
/// <param name="Slot">Which of the daemons.</param>
/// <param name="Code">Its exit code (137 after SIGKILL).</param>
/// <param name="Cause">Why it exited.</param>
/// <param name="Restarted">Whether it was started again.</param>
/// <param name="LastLines">For an exit on its own, the last lines it wrote.</param>
public sealed record DaemonExit(int Slot, int Code, DaemonExitCause Cause, bool Restarted, string? LastLines);
