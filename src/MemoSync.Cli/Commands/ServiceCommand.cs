using System.CommandLine;
using MemoSync.Cli.Operations;

namespace MemoSync.Cli.Commands;

/// <summary><c>memosync service install</c>: writes the systemd unit for this binary and prints the commands that finish the setup.</summary>
internal static class ServiceCommand
{
    public static Command Create()
    {
        var user = new Option<string>("--user") { Description = "The account the daemon runs as (created by the printed useradd if missing).", Required = true };
        var group = new Option<string?>("--group") { Description = "Its group (default: the user's name)." };
        var data = new Option<string>("--data-dir") { Description = "The journal's folder.", DefaultValueFactory = _ => "/var/lib/memosync" };
        var logs = new Option<string>("--log-dir") { Description = "The folder of auto_sync.log.", DefaultValueFactory = _ => "/var/log/memosync" };
        var envFile = new Option<string>("--env-file") { Description = "The environment file (MEMOBASE_URL, MEMOBASE_TOKEN...).", DefaultValueFactory = _ => "/etc/memosync/memosync.env" };
        var port = new Option<int>("--metrics-port") { Description = "The loopback port of the Prometheus endpoint.", DefaultValueFactory = _ => 9464 };
        var output = new Option<string>("--output") { Description = "Where to write the unit.", DefaultValueFactory = _ => "/etc/systemd/system/memosync.service" };
        var install = new Command("install", "Write the systemd unit for this memosync binary and print the systemctl commands to run.")
        {
            user, group, data, logs, envFile, port, output,
        };
        install.SetAction(async (result, ct) =>
        {
            var unit = new ServiceUnit
            {
                User = result.GetValue(user)!,
                Group = result.GetValue(group),
                DataDirectory = Path.GetFullPath(result.GetValue(data)!),
                LogDirectory = Path.GetFullPath(result.GetValue(logs)!),
                EnvironmentFile = Path.GetFullPath(result.GetValue(envFile)!),
                MetricsPort = result.GetValue(port),
            };
            if (unit.User.Length == 0 || unit.User.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')))
            {
                await Console.Error.WriteLineAsync($"service install: --user '{unit.User}' is not a valid account name (letters, digits, _ - .)");
                return 2;
            }
            if (unit.MetricsPort is < 1 or > 65535)
            {
                await Console.Error.WriteLineAsync($"service install: --metrics-port {unit.MetricsPort} is not a TCP port (1-65535)");
                return 2;
            }
            var path = Path.GetFullPath(result.GetValue(output)!);
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await File.WriteAllTextAsync(path, unit.Render(ServiceUnit.ThisBinary()), ct);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"service install: cannot write {path}: {e.Message} (run it with sudo, or give --output)");
                return 1;
            }
            Console.WriteLine($"Wrote {path}. To finish:");
            foreach (var line in unit.SetupCommands(path))
            {
                Console.WriteLine("  " + line);
            }
            return 0;
        });
        return new Command("service", "Run memosync as a systemd service.") { install };
    }
}
