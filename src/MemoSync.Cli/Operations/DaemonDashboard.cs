using System.CommandLine;
using System.Net;
using MemoSync.Dashboard;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MemoSync.Cli.Operations;

/// <summary>
/// <c>memosync run --dashboard</c>: the web dashboard on its own <see cref="DashboardListener"/> (no ASP.NET Core in
/// the daemon), loopback unless told otherwise (<c>--dashboard-address</c>, <c>MEMOSYNC_DASHBOARD_ADDRESS</c>), signed in
/// to with <c>MEMOSYNC_DASHBOARD_TOKEN</c>.
/// The token does not fall back to the Memobase token: a browser's sign-in must never hold the key to every user's
/// memory. An address other than loopback needs the token, since every page then asks for it, whichever address a
/// request arrives on.
/// </summary>
internal sealed class DaemonDashboard
{
    /// <summary>Where the dashboard listens unless told otherwise.</summary>
    public const string DefaultAddress = "127.0.0.1:8020";

    private const string AddressSetting = "MEMOSYNC_DASHBOARD_ADDRESS";
    private const string TokenSetting = "MEMOSYNC_DASHBOARD_TOKEN";

    private readonly Option<bool> _dashboard = new("--dashboard") { Description = $"Serve the web dashboard on http://{DefaultAddress}/memosync/ (or --dashboard-address)." };

    private readonly Option<string?> _address = new("--dashboard-address")
    {
        HelpName = "ip:port",
        Description = $"Where the dashboard listens ({AddressSetting}; default {DefaultAddress}); giving it serves the dashboard. Any address but loopback needs {TokenSetting}.",
    };

    /// <summary>Adds the dashboard's options to <paramref name="command"/>.</summary>
    public static DaemonDashboard AddTo(Command command)
    {
        var dashboard = new DaemonDashboard();
        command.Options.Add(dashboard._dashboard);
        command.Options.Add(dashboard._address);
        return dashboard;
    }

    /// <summary>Adds the dashboard's server to the daemon when asked for.</summary>
    /// <exception cref="CliFailure">The address is not an IP address and port, or is not loopback and no token is set.</exception>
    public void Configure(HostApplicationBuilder builder, ParseResult result)
    {
        var address = result.GetValue(_address) ?? builder.Configuration[AddressSetting];
        if (!result.GetValue(_dashboard) && string.IsNullOrEmpty(address))
        {
            return;
        }
        var text = string.IsNullOrEmpty(address) ? DefaultAddress : address;
        if (!IPEndPoint.TryParse(text, out var endpoint) || !text.Contains(':', StringComparison.Ordinal))
        {
            throw new CliFailure(ExitCodes.BadSetting, $"--dashboard-address ({AddressSetting}) must be an IP address and a port such as {DefaultAddress}, got '{text}'.");
        }
        var token = builder.Configuration[TokenSetting] is { Length: > 0 } set ? set : null;
        if (token is null && !IPAddress.IsLoopback(endpoint.Address))
        {
            throw new CliFailure(ExitCodes.BadSetting,
                $"The dashboard at {endpoint} is not on loopback, so every page needs a sign-in: set {TokenSetting}, or listen on 127.0.0.1.");
        }
        builder.Services.AddHostedService(daemon => new DashboardServer(endpoint, token, daemon));
    }

    /// <summary>The dashboard's listener, started and stopped with the daemon; an address it cannot listen on stops the start.</summary>
    private sealed class DashboardServer(IPEndPoint endpoint, string? token, IServiceProvider daemon) : IHostedService, IDisposable
    {
        private DashboardListener? _listener;

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            try
            {
                _listener = new DashboardListener(endpoint, daemon, configure: o =>
                {
                    o.Token = token;
                    // Listening beyond loopback, even a request that arrives on loopback (a proxy's, say) must sign in.
                    o.PagesRequireToken = !IPAddress.IsLoopback(endpoint.Address);
                });
                await _listener.StartAsync(cancellationToken);
            }
            catch (Exception e) when (e is ArgumentException or IOException)
            {
                throw new CliFailure(ExitCodes.BadSetting, $"--dashboard-address ({AddressSetting}): {e.Message}", e);
            }
            Console.WriteLine($"memosync run: dashboard at {_listener.Root}");
        }

        public Task StopAsync(CancellationToken cancellationToken) => _listener?.StopAsync(cancellationToken) ?? Task.CompletedTask;

        public void Dispose() => _listener?.Dispose();
    }
}
