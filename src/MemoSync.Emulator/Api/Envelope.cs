using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using MemoSync.Memobase.Models;

namespace MemoSync.Emulator.Api;

/// <summary>The server's answers: the envelope for success and application errors (always HTTP 200).</summary>
internal static class Envelope
{
    public static IResult Ok<T>(T data, JsonTypeInfo<ApiEnvelope<T>> type) => Results.Json(new ApiEnvelope<T> { Data = data }, type);

    public static IResult Ok() => Results.Json(new ApiEnvelope<JsonNode>(), WireJson.Context.ApiEnvelopeJsonNode);

    public static IResult Fail(int errno, string errmsg) =>
        Results.Json(new ApiEnvelope<JsonNode> { Errno = errno, Errmsg = errmsg }, WireJson.Context.ApiEnvelopeJsonNode);

    /// <summary>What the server's global middleware answers for an unhandled exception.</summary>
    public static IResult Unknown(string error) =>
        Fail(500, $"Sorry, we have encountered an unknown error: \n{error}\nPlease report this issue to https://github.com/memodb-io/memobase/issues");

    public static IResult UserNotFound(Guid userId) => Fail(404, $"User {userId} not found");

    /// <summary>What PostgreSQL says of a row in <paramref name="table"/> for a user that does not exist.</summary>
    public static string ForeignKeyViolation(string table, Guid userId) =>
        $"(psycopg2.errors.ForeignKeyViolation) insert or update on table \"{table}\" violates foreign key constraint " +
        $"\"{table}_user_id_project_id_fkey\"\nDETAIL:  Key (user_id, project_id)=({userId}, __root__) is not present in table \"users\".";
}
