using System.Text;
using FsCheck;
using FsCheck.Fluent;
using MemoSync.Memobase.Errors;
using MemoSync.TestSupport;

namespace MemoSync.Memobase.Tests;

/// <summary>
/// Generated and mutated answers from a canned loopback server to every client call: each call returns, or fails with a
/// classified <see cref="MemobaseException"/> that names its operation, keeps the token out and bounds Retry-After.
/// </summary>
public class AnswerFuzzTests
{
    private const string Token = "tok-SECRET-4711";
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromMinutes(5);

    private static readonly Func<MemobaseClient, Task>[] Calls = [.. ClientCalls.Single.Values, .. ClientCalls.Composite];

    /// <summary>Values of every kind for the fields the client reads: nulls, lists holding nulls, ids that are not ids.</summary>
    private static readonly string[] Values =
    [
        "null", "0", "-1", "1.5", "1e400", "\"\"", "\"x\"", "true", "[]", "{}", "[null]", "[42]", "[\"not-a-guid\"]", "\"8d0b0c2e-3f5c-4b1a-9a55-0c3b6e1f2a44\"",
        "[\"8d0b0c2e-3f5c-4b1a-9a55-0c3b6e1f2a44\"]", "[{}]", "[{\"id\":null}]", $"\"{Token}\"", "\"2024-13-45T99:00:00\"",
    ];

    private static readonly string[] Fields =
        ["id", "ids", "profiles", "events", "context", "profile_config", "chat_results", "blob_type", "blob_data", "fields", "data", "created_at", "messages"];

    private static Gen<string> Data(int depth) => Gen.OneOf(
    [
        Gen.Elements(Values),
        .. depth > 0
            ? new[] { from fields in Gen.ListOf(Gen.Elements(Fields).Zip(Data(depth - 1))) select "{" + string.Join(",", fields.Select(f => $"\"{f.Item1}\":{f.Item2}")) + "}" }
            : [],
    ]);

    private static Gen<string> Envelope =>
        from errno in Gen.Elements("0", "0", "0", "400", "404", "418", "500", "503", "-1", "2147483648", "\"0\"", "null")
        from errmsg in Gen.Elements("\"\"", "\"User x not found\"", "null", "42", $"\"token {Token}\"", "\"ForeignKeyViolation\"")
        from data in Data(2)
        select $$"""{"errno":{{errno}},"errmsg":{{errmsg}},"data":{{data}}}""";

    private static Gen<string> Body => Gen.Frequency(
        (6, Envelope),
        (1, Gen.Elements("", "null", "[]", "<html><body>502 Bad Gateway</body></html>", """{"detail":"Not Found"}""", """{"detail":[{"loc":["body"]}]}""",
            """{"detail":"Method Not Allowed"}""", "{\"a\":" + new string('[', 100) + new string(']', 100) + "}")),
        (2, Envelope.SelectMany(e => Fuzzing.BytesNear(Encoding.UTF8.GetBytes(e)).Generator.Select(b => Encoding.UTF8.GetString(b)))));

    private static Gen<(int Call, int Status, string Body, string RetryAfter)> Answers =>
        from call in Gen.Choose(0, Calls.Length - 1)
        from status in Gen.Frequency((4, Gen.Constant(200)), (1, Gen.Elements(301, 400, 401, 403, 404, 405, 408, 409, 418, 422, 429, 500, 502, 503, 599)))
        from body in Body
        from retryAfter in Gen.Elements("", "Retry-After: 120\r\n", "Retry-After: -5\r\n", "Retry-After: 99999999999999\r\n", "Retry-After: soon\r\n",
            "Retry-After: Wed, 21 Oct 2015 07:28:00 GMT\r\n", "Retry-After: Fri, 31 Dec 9999 23:59:59 GMT\r\n")
        select (call, status, body, retryAfter);

    [Fact]
    public void Every_call_returns_or_fails_with_a_classified_MemobaseException_whatever_the_answer()
    {
        using var http = new HttpClient();
        Fuzzing.Check(Answers.ToArbitrary(), answer =>
        {
            var server = new CannedHttpServer(answer.Status, answer.Body, headers: answer.RetryAfter);
            var client = new MemobaseClient(http,
                new MemobaseClientOptions { BaseUrl = server.BaseUrl, Token = Token, Timeout = TimeSpan.FromSeconds(10), MaxRetryAfter = MaxRetryAfter });
            try
            {
                Calls[answer.Call](client).GetAwaiter().GetResult();
            }
            catch (MemobaseException e) when (Enum.IsDefined(e.Kind) && e.Message.Contains(e.Operation, StringComparison.Ordinal)
                && !e.ToString().Contains(Token, StringComparison.Ordinal)
                && (e.RetryAfter is null || (e.RetryAfter >= TimeSpan.Zero && e.RetryAfter <= MaxRetryAfter)))
            {
            }
            finally
            {
                server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        });
    }
}
