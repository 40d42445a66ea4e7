using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MemoSync.Memobase.Tests;

/// <summary>
/// A loopback server that reads each request and answers it with the same raw HTTP/1.1 bytes, then closes the
/// connection: for answers the emulator never gives (a proxy's page, a bad charset, a body cut short).
/// </summary>
internal sealed class CannedHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly byte[] _answer;
    private readonly Task _loop;

    /// <summary>Answers <paramref name="status"/> with <paramref name="body"/>; <paramref name="headers"/> are extra lines;
    /// with <paramref name="cutAfter"/>, only that many bytes of the body are sent before the connection is closed.</summary>
    public CannedHttpServer(int status, string body, string contentType = "application/json", string headers = "", int? cutAfter = null)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var head = Encoding.ASCII.GetBytes(
            $"HTTP/1.1 {status} Canned\r\nContent-Type: {contentType}\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n{headers}\r\n");
        _answer = [.. head, .. bytes.AsSpan(0, cutAfter ?? bytes.Length)];
        _listener.Start();
        _loop = ServeAsync();
    }

    /// <summary>The server root to give a client.</summary>
    public string BaseUrl => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/";

    private async Task ServeAsync()
    {
        try
        {
            while (true)
            {
                using var socket = await _listener.AcceptSocketAsync(_stop.Token);
                await ReadRequestAsync(socket);
                await socket.SendAsync(_answer, _stop.Token);
                socket.Shutdown(SocketShutdown.Both);
            }
        }
        catch (Exception e) when (e is OperationCanceledException || _stop.IsCancellationRequested)
        {
            // Disposed: the listener may stop before the loop is back at Accept, which then says it is not listening.
        }
    }

    /// <summary>Reads the head and as much body as its Content-Length says, so the answer never races the request.</summary>
    private async Task ReadRequestAsync(Socket socket)
    {
        var received = new List<byte>();
        var buffer = new byte[4096];
        int headEnd;
        while ((headEnd = Encoding.ASCII.GetString([.. received]).IndexOf("\r\n\r\n", StringComparison.Ordinal)) < 0)
        {
            var n = await socket.ReceiveAsync(buffer, _stop.Token);
            if (n == 0)
            {
                return;
            }
            received.AddRange(buffer.AsSpan(0, n));
        }
        var head = Encoding.ASCII.GetString([.. received], 0, headEnd);
        var length = head.Split("\r\n").Where(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            .Select(l => int.Parse(l["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
        while (received.Count < headEnd + 4 + length)
        {
            var n = await socket.ReceiveAsync(buffer, _stop.Token);
            if (n == 0)
            {
                return;
            }
            received.AddRange(buffer.AsSpan(0, n));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }
}
