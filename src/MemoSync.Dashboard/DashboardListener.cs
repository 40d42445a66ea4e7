using System.Net;
using System.Net.Sockets;
using MemoSync.Dashboard.Listening;
using MemoSync.Dashboard.Serving;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MemoSync.Dashboard;

/// <summary>
/// The dashboard served by .NET's own <see cref="HttpListener"/>, for a process that is not an ASP.NET Core application
/// (the daemon): the same pages and rules as <see cref="MemoSyncDashboardEndpointRouteBuilderExtensions.MapMemoSyncDashboard"/>
/// without loading a web framework. Requests are served concurrently; one that fails is answered 500 and logged, and the
/// listener goes on. Started and stopped with the host; stopping lets the requests under way finish, then closes it.
/// </summary>
public sealed class DashboardListener : IHostedService, IDisposable
{
    private readonly IPEndPoint _endpoint;
    private readonly string _prefix;
    private readonly IReadOnlyList<DashboardRoute> _routes;
    private readonly ILogger _logger;
    private readonly HttpListener _listener = new() { IgnoreWriteExceptions = true };
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly HashSet<Task> _serving = [];
    private Task? _accepting;

    /// <summary>A dashboard to listen on <paramref name="endpoint"/> once started.</summary>
    /// <param name="endpoint">An IPv4 address (<c>0.0.0.0</c> for all) and a port; port 0 takes a free one.</param>
    /// <param name="services">Where MemoSync's services are, unless <see cref="DashboardOptions.Services"/> says otherwise.</param>
    /// <param name="prefix">The path the dashboard is served at: <c>/memosync</c> (the default), <c>/ops/memosync</c>, or <c>/</c>.</param>
    /// <param name="configure">The token and the other <see cref="DashboardOptions"/>.</param>
    /// <exception cref="ArgumentException">The address is IPv6, the prefix is not a path, or an option is out of range.</exception>
    public DashboardListener(IPEndPoint endpoint, IServiceProvider services, string prefix = DashboardSetup.DefaultPrefix, Action<DashboardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(services);
        if (endpoint.AddressFamily != AddressFamily.InterNetwork)
        {
            // HttpListener on Linux reads the port at the first ':' after the scheme, so a prefix such as http://[::1]:8020/ fails.
            throw new ArgumentException($"The dashboard listens on an IPv4 address (127.0.0.1, or 0.0.0.0 for all), got {endpoint}: .NET's HttpListener takes no IPv6 address on Linux.", nameof(endpoint));
        }
        _endpoint = endpoint;
        var (path, options) = DashboardSetup.Read(prefix, configure);
        _prefix = path;
        var handlers = new DashboardHandlers(path, options, options.Services ?? services);
        _routes = DashboardRoutes.Of(handlers);
        _logger = handlers.Logger;
    }

    /// <summary>The dashboard's address once started, such as <c>http://127.0.0.1:8020/memosync/</c>, with the port it took.</summary>
    public Uri? Root { get; private set; }

    /// <summary>Starts listening.</summary>
    /// <exception cref="IOException">The address cannot be listened on (its port is taken, say); the message says which and why.</exception>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var port = _endpoint.Port == 0 ? FreePort(_endpoint.Address) : _endpoint.Port;
        var host = _endpoint.Address.Equals(IPAddress.Any) ? "+" : _endpoint.Address.ToString();
        _listener.Prefixes.Add($"http://{host}:{port}/");
        try
        {
            _listener.Start();
        }
        catch (HttpListenerException e)
        {
            throw new IOException($"The dashboard cannot listen on {_endpoint.Address}:{port}: {e.Message}.", e);
        }
        Root = new Uri($"http://{_endpoint.Address}:{port}{_prefix}/");
        _accepting = AcceptAsync();
        return Task.CompletedTask;
    }

    /// <summary>Lets the requests under way finish (until <paramref name="cancellationToken"/> says enough), then closes the listener.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_accepting is null)
        {
            return;
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        Task[] serving;
        lock (_gate)
        {
            serving = [.. _serving];
        }
        try
        {
            await Task.WhenAll(serving).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host will not wait longer: closing the listener ends what is left.
        }
        _listener.Close();
        await _accepting.ConfigureAwait(false);
    }

    /// <summary>Closes the listener, if <see cref="StopAsync"/> did not.</summary>
    public void Dispose()
    {
        _listener.Close();
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (true)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception) when (!_listener.IsListening)
            {
                return;
            }
            var serving = Task.Run(() => ServeAsync(context));
            lock (_gate)
            {
                _serving.Add(serving);
            }
            _ = serving.ContinueWith(done =>
            {
                lock (_gate)
                {
                    _serving.Remove(done);
                }
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    /// <summary>Answers one request; never throws, so that no request can end the listener.</summary>
    private async Task ServeAsync(HttpListenerContext context)
    {
        var exchange = new ListenerExchange(context, _stopping.Token);
        try
        {
            await RouteAsync(exchange).ConfigureAwait(false);
            context.Response.Close();
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            context.Response.Abort();
        }
#pragma warning disable CA1031 // A handler's failure is this request's alone: logged, answered 500 when still possible.
        catch (Exception e)
#pragma warning restore CA1031
        {
            DashboardLog.Failed(_logger, exchange.Method, exchange.Path, e);
            await FailAsync(context, exchange).ConfigureAwait(false);
        }
    }

    private Task RouteAsync(ListenerExchange exchange)
    {
        var path = exchange.Path;
        if (_prefix.Length > 0 && path == "/")
        {
            exchange.Status((int)HttpStatusCode.Redirect);
            exchange.SetHeader("Location", _prefix + "/");
            return Task.CompletedTask;
        }
        var under = _prefix.Length == 0 ? path
            : path == _prefix || path.StartsWith(_prefix + "/", StringComparison.Ordinal) ? path[_prefix.Length..]
            : null;
        if (under is not null && _routes.FirstOrDefault(r => r.Matches(exchange.Method, under)) is { } route)
        {
            return route.Handle(exchange);
        }
        exchange.Status((int)HttpStatusCode.NotFound);
        return Task.CompletedTask;
    }

    private static async Task FailAsync(HttpListenerContext context, ListenerExchange exchange)
    {
        try
        {
            if (exchange.Started)
            {
                context.Response.Abort();
                return;
            }
            exchange.Status((int)HttpStatusCode.InternalServerError);
            await exchange.WriteAsync("The dashboard failed to answer this request; its log says why.\n", "text/plain; charset=utf-8").ConfigureAwait(false);
            context.Response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException or IOException)
        {
            // The connection is gone: there is no one left to answer.
            context.Response.Abort();
        }
    }

    /// <summary>A port free on <paramref name="address"/> now: HttpListener takes no port 0.</summary>
    private static int FreePort(IPAddress address)
    {
        using var probe = new TcpListener(address, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
