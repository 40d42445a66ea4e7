namespace MemoSync.Memobase.Tests;

public class UserIdMappingTests
{
    // Computed with the official Python SDK's formula: uuid.uuid5(uuid.NAMESPACE_DNS, s + "memobase_client").
    [Theory]
    [InlineData("alice", "7fd30dba-7e5c-5580-8c20-7616babc424b")]
    [InlineData("user-42", "235a01bd-9606-584b-b3ab-b5641bdb13f9")]
    [InlineData("张三", "3b947987-db97-5ef5-895a-bb13c6290206")]
    public void A_string_maps_to_the_same_user_id_as_the_Python_SDK(string name, string expected) =>
        Assert.Equal(Guid.Parse(expected), MemobaseUserId.FromName(name).Value);

    [Fact]
    public void A_UUID_of_version_4_or_5_is_taken_as_it_is()
    {
        var v4 = Guid.NewGuid();
        Assert.Equal(v4, MemobaseUserId.Parse(v4.ToString()).Value);
        Assert.Equal(v4, MemobaseUserId.FromUuidOrName(v4.ToString()).Value);
        Assert.Equal(MemobaseUserId.FromName("bob"), MemobaseUserId.FromUuidOrName("bob"));
    }

    [Fact]
    public void A_non_UUID_or_a_UUID_of_another_version_is_refused_with_the_reason()
    {
        var notUuid = Assert.Throws<ArgumentException>(() => MemobaseUserId.Parse("alice"));
        Assert.Contains("'alice' is not a UUID", notUuid.Message, StringComparison.Ordinal);
        var v7 = Guid.CreateVersion7();
        var wrongVersion = Assert.Throws<ArgumentException>(() => MemobaseUserId.FromGuid(v7));
        Assert.Contains("version 7", wrongVersion.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => MemobaseUserId.FromName(""));
    }
}
