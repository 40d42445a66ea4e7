using System.Collections.Concurrent;

namespace MemoSync.TestSupport;

/// <summary>
/// Passes every request on over the real network, unchanged, and keeps a copy of each exchange so a
/// test can check them against the OpenAPI document afterwards. An observer, not a mock.
/// </summary>
public sealed class ContractRecorder(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private readonly ConcurrentQueue<Exchange> _exchanges = new();

    /// <summary>What went through, in order.</summary>
    public IReadOnlyCollection<Exchange> Exchanges => _exchanges;

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var requestBody = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var response = await base.SendAsync(request, cancellationToken);
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var responseBody = await response.Content.ReadAsStringAsync(cancellationToken);
        _exchanges.Enqueue(new Exchange(request.Method.Method, request.RequestUri!, requestBody, (int)response.StatusCode, responseBody));
        return response;
    }
}

/// <summary>One request and its answer.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Uri">The full request URI.</param>
/// <param name="RequestBody">The request body, if any.</param>
/// <param name="Status">The HTTP status of the answer.</param>
/// <param name="ResponseBody">The answer's body.</param>
public sealed record Exchange(string Method, Uri Uri, string? RequestBody, int Status, string ResponseBody);
