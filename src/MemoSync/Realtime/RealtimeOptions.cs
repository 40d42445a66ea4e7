namespace MemoSync.Realtime;

/// <summary>
/// Where and how to reach an endpoint that speaks the OpenAI Realtime WebSocket protocol: OpenAI Realtime,
/// GLM-Realtime, or the emulator's scripted endpoint.
/// </summary>
public sealed record RealtimeOptions
{
    /// <summary>The endpoint, e.g. <c>wss://api.openai.com/v1/realtime</c>; an http(s) URL is taken as ws(s).</summary>
    public required Uri Endpoint { get; init; }

    /// <summary>The model, sent as the <c>model</c> query parameter unless the endpoint already has one.</summary>
    public string Model { get; init; } = "gpt-4o-realtime-preview";

    /// <summary>Sent as a bearer token when set; never logged.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Connection attempts before giving up, the first included.</summary>
    public int ConnectAttempts { get; init; } = 5;

    /// <summary>The wait before the second attempt; it doubles (with jitter) for each attempt after.</summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long one attempt may take to open the socket.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Why these options cannot work, or null when they can.</summary>
    public string? Validate() => this switch
    {
        { Endpoint: { IsAbsoluteUri: false } } => $"the realtime endpoint must be an absolute URL, got '{Endpoint}'",
        { Endpoint.Scheme: not ("ws" or "wss" or "http" or "https") } =>
            $"the realtime endpoint must be a ws, wss, http or https URL such as ws://127.0.0.1:8019/v1/realtime, got '{Endpoint}'",
        { Model.Length: 0 } => "the realtime model must not be empty",
        { ConnectAttempts: < 1 } => $"ConnectAttempts must be at least 1, got {ConnectAttempts}",
        { ReconnectDelay: var d } when d < TimeSpan.Zero => $"ReconnectDelay must not be negative, got {ReconnectDelay}",
        { ConnectTimeout: var t } when t <= TimeSpan.Zero => $"ConnectTimeout must be positive, got {ConnectTimeout}",
        _ => null,
    };

    /// <summary>The socket's address: the endpoint in ws(s) with the model in its query.</summary>
    internal Uri SocketUri()
    {
        var uri = new UriBuilder(Endpoint) { Scheme = Endpoint.Scheme is "https" or "wss" ? "wss" : "ws" };
        if (Endpoint.IsDefaultPort)
        {
            uri.Port = -1;
        }
        if (!uri.Query.Contains("model=", StringComparison.Ordinal))
        {
            var query = uri.Query.TrimStart('?');
            uri.Query = (query.Length == 0 ? "" : query + "&") + "model=" + Uri.EscapeDataString(Model);
        }
        return uri.Uri;
    }

    /// <summary>
    /// The options for logs and messages: the API key is never printed, only whether one is set, and the endpoint
    /// without its user information and query, where a key can be given too.
    /// </summary>
    public override string ToString()
    {
        var endpoint = Endpoint is { IsAbsoluteUri: true } uri
            ? new UriBuilder(uri) { UserName = "", Password = "", Query = "" }.Uri.ToString()
            : Endpoint?.ToString();
        return $"{nameof(RealtimeOptions)} {{ Endpoint = {endpoint}, Model = {Model}, ApiKey = {(string.IsNullOrEmpty(ApiKey) ? "(none)" : "(set)")}, " +
            $"ConnectAttempts = {ConnectAttempts}, ReconnectDelay = {ReconnectDelay}, ConnectTimeout = {ConnectTimeout} }}";
    }
}
