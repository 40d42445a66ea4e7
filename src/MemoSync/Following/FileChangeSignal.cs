using System.Threading.Channels;

namespace MemoSync.Following;

/// <summary>
/// Wakes a follower when the system says its file changed (written, created, renamed or removed), through a
/// <see cref="FileSystemWatcher"/> on its folder. Notifications only hasten a look: they can be lost or be unavailable, so the
/// follower also looks every poll interval.
/// </summary>
internal sealed class FileChangeSignal : IDisposable
{
    // One pending wake-up is all a follower needs: its next look reads whatever changed since the last.
    private readonly Channel<bool> _changes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly FileSystemWatcher? _watcher;
    private Task<bool>? _waiting;

    /// <summary>Watches <paramref name="path"/>; <paramref name="unavailable"/> hears why, when the system cannot watch it.</summary>
    public FileChangeSignal(string path, Action<string> unavailable)
    {
        ArgumentNullException.ThrowIfNull(unavailable);
        try
        {
            _watcher = new FileSystemWatcher(Path.GetDirectoryName(path)!, Path.GetFileName(path))
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size,
            };
            _watcher.Changed += (_, _) => Notify();
            _watcher.Created += (_, _) => Notify();
            _watcher.Deleted += (_, _) => Notify();
            _watcher.Renamed += (_, _) => Notify();
            // Notifications were lost: a look finds what they said.
            _watcher.Error += (_, _) => Notify();
            _watcher.EnableRaisingEvents = true;
        }
        catch (Exception e) when (e is ArgumentException or IOException or PlatformNotSupportedException)
        {
            _watcher?.Dispose();
            _watcher = null;
            unavailable(e.Message);
        }
    }

    /// <summary>Returns once a change was notified or <paramref name="interval"/> passed, whichever comes first.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled.</exception>
    public async Task WaitAsync(TimeSpan interval, TimeProvider time, CancellationToken ct)
    {
        // The wait for a notification outlives a look that the interval started, so waiters never pile up on an idle file.
        _waiting ??= _changes.Reader.WaitToReadAsync(ct).AsTask();
        await Task.WhenAny(_waiting, Task.Delay(interval, time, ct)).ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
        if (_waiting.IsCompleted)
        {
            _waiting = null;
            _changes.Reader.TryRead(out _);
        }
    }

    private void Notify() => _changes.Writer.TryWrite(true);

    public void Dispose() => _watcher?.Dispose();
}
