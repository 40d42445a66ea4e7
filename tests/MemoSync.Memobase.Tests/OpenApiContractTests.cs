using MemoSync.TestSupport;

namespace MemoSync.Memobase.Tests;

/// <summary>The contract check itself: it accepts what the document allows and names what it does not.</summary>
public class OpenApiContractTests
{
    private const string User = "3f6c7b1a-9d2e-4f8a-b5c3-e1f2a3b4c5d6";
    private const string Api = "http://127.0.0.1:1/api/v1/";

    private static IReadOnlyList<string> Check(string method, string path, string? request, string response, int status = 200) =>
        OpenApiContract.Instance.Check(new Exchange(method, new Uri(Api + path), request, status, response));

    [Fact]
    public void A_conforming_insert_and_profile_read_pass()
    {
        Assert.Empty(Check("POST", $"blobs/insert/{User}?wait_process=false",
            """{"blob_type":"chat","blob_data":{"messages":[{"role":"user","content":"hi"}]},"fields":{"memosync_turn_id":"t"}}""",
            """{"data":{"id":"05871412-8d7b-4ab0-bba6-1ad84ca44265","chat_results":[]},"errno":0,"errmsg":""}"""));
        Assert.Empty(Check("GET", $"users/profile/{User}?only_topics=a&only_topics=b",
            null, """{"data":{"profiles":[{"id":"05871412-8d7b-4ab0-bba6-1ad84ca44265","content":"x","attributes":{"topic":"a","sub_topic":"b"},"created_at":"2024-12-04T10:30:00Z","updated_at":"2024-12-04T10:30:00Z"}]},"errno":0,"errmsg":""}"""));
    }

    [Fact]
    public void A_user_id_of_version_7_in_the_path_is_named()
    {
        var problems = Check("GET", $"users/{Guid.CreateVersion7()}", null, """{"data":null,"errno":404,"errmsg":"x"}""");
        Assert.Contains(problems, p => p.Contains("path user_id", StringComparison.Ordinal));
    }

    [Fact]
    public void A_profile_without_content_is_named()
    {
        var problems = Check("GET", $"users/profile/{User}", null,
            """{"data":{"profiles":[{"id":"05871412-8d7b-4ab0-bba6-1ad84ca44265"}]},"errno":0,"errmsg":""}""");
        Assert.Contains(problems, p => p.Contains("content", StringComparison.Ordinal) && p.Contains("PropertyRequired", StringComparison.Ordinal));
    }

    [Fact]
    public void A_server_chosen_id_that_is_not_a_UUID_4_or_5_is_named()
    {
        var problems = Check("POST", "users", "{}", """{"data":{"id":"018f2c3e-1d2a-7b3c-8d4e-5f6a7b8c9d0e"},"errno":0,"errmsg":""}""");
        Assert.NotEmpty(problems);
    }

    [Fact]
    public void An_unknown_blob_type_in_a_request_is_named()
    {
        var problems = Check("POST", $"blobs/insert/{User}", """{"blob_type":"video","blob_data":{}}""", """{"data":null,"errno":500,"errmsg":"x"}""");
        Assert.Contains(problems, p => p.Contains("request", StringComparison.Ordinal) && p.Contains("blob_type", StringComparison.Ordinal));
    }

    [Fact]
    public void A_wrong_type_and_an_unknown_query_parameter_are_named()
    {
        Assert.NotEmpty(Check("GET", $"users/{User}", null, """{"data":{"data":null,"created_at":12},"errno":0,"errmsg":""}"""));
        var unknown = Check("GET", $"users/event/{User}?topk=3&top_k=3", null, """{"data":{"events":[]},"errno":0,"errmsg":""}""");
        Assert.Contains(unknown, p => p.Contains("unknown query parameter top_k", StringComparison.Ordinal));
        var notInt = Check("GET", $"users/event/{User}?topk=many", null, """{"data":{"events":[]},"errno":0,"errmsg":""}""");
        Assert.Contains(notInt, p => p.Contains("query topk", StringComparison.Ordinal));
    }

    [Fact]
    public void A_path_the_document_does_not_have_is_named() =>
        Assert.Contains(Check("GET", "memories/all", null, "{}"), p => p.Contains("no such operation", StringComparison.Ordinal));
}
