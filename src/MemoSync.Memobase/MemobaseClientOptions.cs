namespace MemoSync.Memobase;

/// <summary>Where the Memobase server is and how to authenticate.</summary>
public sealed class MemobaseClientOptions
{
    /// <summary>The server root (<c>http://localhost:8019/</c>) or the API root (<c>.../api/v1</c>); both work.</summary>
    public string BaseUrl { get; set; } = "http://localhost:8019/";

    /// <summary>The Bearer token (the server's <c>ACCESS_TOKEN</c> or a project token). Never logged.</summary>
    public string Token { get; set; } = "";

    /// <summary>How long one request may take before it counts as a transient failure. Default 30 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest wait a <c>Retry-After</c> header can ask for. A longer one (say 2000000000 seconds) is cut to
    /// this, and one in the past counts as 0, so <see cref="Errors.MemobaseException.RetryAfter"/> is always
    /// between 0 and this. Default 1 hour.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The first reason these options cannot work, or <c>null</c>.</summary>
    public string? Validate()
    {
        if (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return $"Memobase BaseUrl must be an absolute http:// or https:// URL, got '{BaseUrl}'";
        }
        if (string.IsNullOrWhiteSpace(Token))
        {
            return "Memobase Token is empty: set MEMOBASE_TOKEN or the client's Token";
        }
        if (Token.Any(char.IsControl))
        {
            return "Memobase Token contains control characters";
        }
        if (MaxRetryAfter < TimeSpan.Zero)
        {
            return $"Memobase MaxRetryAfter must not be negative, got {MaxRetryAfter}";
        }
        return Timeout <= TimeSpan.Zero ? $"Memobase Timeout must be positive, got {Timeout}" : null;
    }

    /// <summary>The API root, ending with <c>/api/v1/</c>.</summary>
    internal Uri ApiRoot()
    {
        var root = BaseUrl.TrimEnd('/');
        return new Uri(root.EndsWith("/api/v1", StringComparison.Ordinal) ? root + "/" : root + "/api/v1/");
    }
}
