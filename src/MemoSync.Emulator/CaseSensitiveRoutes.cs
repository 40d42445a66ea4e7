using Microsoft.AspNetCore.Routing.Matching;
using Microsoft.AspNetCore.Routing.Patterns;

namespace MemoSync.Emulator;

/// <summary>
/// Makes the literal parts of every route match case-sensitively, as the server's Starlette routing does:
/// <c>/API/v1/users/{id}</c> is a 404 there, so it is here (ASP.NET Core alone would ignore the case).
/// </summary>
internal sealed class CaseSensitiveRoutes : MatcherPolicy, IEndpointSelectorPolicy
{
    public override int Order => 0;

    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints) => endpoints.Any(e => e is RouteEndpoint);

    public Task ApplyAsync(HttpContext httpContext, CandidateSet candidates)
    {
        var segments = (httpContext.Request.Path.Value ?? "").Trim('/').Split('/');
        for (var i = 0; i < candidates.Count; i++)
        {
            if (candidates.IsValidCandidate(i) && candidates[i].Endpoint is RouteEndpoint route && !LiteralsMatch(route.RoutePattern, segments))
            {
                candidates.SetValidity(i, false);
            }
        }
        return Task.CompletedTask;
    }

    private static bool LiteralsMatch(RoutePattern pattern, string[] segments)
    {
        for (var i = 0; i < pattern.PathSegments.Count && i < segments.Length; i++)
        {
            if (pattern.PathSegments[i].Parts is [RoutePatternLiteralPart literal]
                && !string.Equals(literal.Content, segments[i], StringComparison.Ordinal))
            {
                return false;
            }
        }
        return true;
    }
}
