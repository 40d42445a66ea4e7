using System.Globalization;
using System.Reflection;
using System.Text;

namespace MemoSync.Cli.Operations;

/// <summary>
/// The systemd unit of deploy/memosync.service (embedded in this binary), filled in for one installation:
/// the binary that runs, its user, its data and log folders, its environment file and metrics port.
/// </summary>
internal sealed record ServiceUnit
{
    /// <summary>The account the daemon runs as.</summary>
    public required string User { get; init; }

    /// <summary>Its group; the user's name by default (as <c>useradd --system</c> creates it).</summary>
    public string? Group { get; init; }

    /// <summary>The folder of the journal, the only one besides <see cref="LogDirectory"/> it may write.</summary>
    public string DataDirectory { get; init; } = "/var/lib/memosync";

    /// <summary>The folder of auto_sync.log.</summary>
    public string LogDirectory { get; init; } = "/var/log/memosync";

    /// <summary>The <c>.env</c> file with MEMOBASE_URL, MEMOBASE_TOKEN and the rest.</summary>
    public string EnvironmentFile { get; init; } = "/etc/memosync/memosync.env";

    /// <summary>The loopback port of the Prometheus endpoint.</summary>
    public int MetricsPort { get; init; } = 9464;

    /// <summary>The command line that starts this binary: the tool or single-file binary itself, or <c>dotnet</c> with the assembly.</summary>
    public static IReadOnlyList<string> ThisBinary()
    {
        var process = Environment.ProcessPath ?? throw new InvalidOperationException("the path of this process is unknown");
        return Path.GetFileNameWithoutExtension(process) == "dotnet"
            ? [process, Path.Combine(AppContext.BaseDirectory, Assembly.GetEntryAssembly()!.GetName().Name + ".dll")]
            : [process];
    }

    /// <summary>The unit's text for <paramref name="binary"/>.</summary>
    public string Render(IReadOnlyList<string> binary)
    {
        ArgumentNullException.ThrowIfNull(binary);
        var exec = string.Join(' ', binary.Concat(["run", "--log-file", Path.Combine(LogDirectory, "auto_sync.log"),
            "--metrics-port", MetricsPort.ToString(CultureInfo.InvariantCulture)]).Select(Quote));
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["User"] = User,
            ["Group"] = Group ?? User,
            ["EnvironmentFile"] = EnvironmentFile,
            ["Environment"] = $"MEMOSYNC_JOURNAL={Path.Combine(DataDirectory, "memosync.db")}",
            ["WorkingDirectory"] = DataDirectory,
            ["ExecStart"] = exec,
            ["ReadWritePaths"] = $"{Quote(DataDirectory)} {Quote(LogDirectory)}",
            // systemd creates (and hands to the user) only folders under its own roots; others the administrator makes.
            ["StateDirectory"] = Under("/var/lib/", DataDirectory),
            ["StateDirectoryMode"] = Under("/var/lib/", DataDirectory) is null ? null : "0700",
            ["LogsDirectory"] = Under("/var/log/", LogDirectory),
            // A binary in a home folder (a `dotnet tool install -g`) must stay readable.
            ["ProtectHome"] = binary.Any(p => p.StartsWith("/home/", StringComparison.Ordinal) || p.StartsWith("/root/", StringComparison.Ordinal)) ? "read-only" : "true",
        };
        var unit = new StringBuilder();
        foreach (var line in Template().Split('\n').SkipLast(1))
        {
            var key = line.Split('=', 2)[0];
            if (!line.StartsWith('#') && settings.TryGetValue(key, out var value))
            {
                if (value is not null)
                {
                    unit.Append(key).Append('=').Append(value).Append('\n');
                }
                continue;
            }
            unit.Append(line).Append('\n');
        }
        return unit.ToString();
    }

    /// <summary>What the administrator runs after the unit is written.</summary>
    public IEnumerable<string> SetupCommands(string unitPath)
    {
        var group = Group ?? User;
        yield return $"id -u {User} >/dev/null 2>&1 || sudo useradd --system --user-group --home-dir {Quote(DataDirectory)} --shell /usr/sbin/nologin {User}";
        yield return $"sudo install -d -m 700 -o {User} -g {group} {Quote(DataDirectory)} {Quote(LogDirectory)}";
        yield return $"sudo install -d -m 755 {Quote(Path.GetDirectoryName(EnvironmentFile)!)}";
        yield return $"sudo install -m 600 /dev/null {Quote(EnvironmentFile)}   # then set MEMOBASE_URL and MEMOBASE_TOKEN in it (deploy/memosync.env.example)";
        yield return $"sudo systemd-analyze verify {Quote(unitPath)}";
        yield return "sudo systemctl daemon-reload";
        yield return $"sudo systemctl enable --now {Path.GetFileNameWithoutExtension(unitPath)}";
        yield return $"systemctl status {Path.GetFileNameWithoutExtension(unitPath)}; journalctl -u {Path.GetFileNameWithoutExtension(unitPath)} -f";
    }

    private static string? Under(string root, string directory) =>
        directory.StartsWith(root, StringComparison.Ordinal) && directory.Length > root.Length ? directory[root.Length..].TrimEnd('/') : null;

    private static string Quote(string word) => word.Any(c => char.IsWhiteSpace(c) || c is '"' or '\\')
        ? "\"" + word.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\""
        : word;

    private static string Template()
    {
        using var stream = typeof(ServiceUnit).Assembly.GetManifestResourceStream("memosync.service")
            ?? throw new InvalidOperationException("the unit template memosync.service is not embedded in this binary");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
