using MemoSync.Journal;
using MemoSync.Memobase.Models;

namespace MemoSync.Tests.Journal;

public class TurnValidatorTests
{
    private static Turn TurnOf(params ChatMessage[] messages) => Turn.Create("alice", null, messages, TimeProvider.System);

    [Fact]
    public void System_and_tool_messages_are_dropped_when_the_caller_asks_for_that()
    {
        var validator = new TurnValidator(new TurnLimits { DropOtherRoles = true });
        var kept = validator.Validate(TurnOf(new("system", "be brief"), new(ChatMessage.UserRole, "hi"), new("tool", "{}"), new(ChatMessage.AssistantRole, "hello")));
        Assert.Equal([ChatMessage.UserRole, ChatMessage.AssistantRole], kept.Messages.Select(m => m.Role));
        var e = Assert.Throws<TurnRejectedException>(() => validator.Validate(TurnOf(new ChatMessage("system", "only this"))));
        Assert.Equal("messages", e.Field);
    }

    [Fact]
    public void A_turn_over_the_size_limit_is_rejected_with_its_size()
    {
        var validator = new TurnValidator(new TurnLimits { MaxTurnBytes = 1000 });
        var e = Assert.Throws<TurnRejectedException>(() => validator.Validate(TurnOf(new ChatMessage(ChatMessage.UserRole, new string('字', 400)))));
        Assert.Equal("messages: 1200 bytes of content, more than the limit of 1000", e.Message);
    }

    [Fact]
    public void An_id_with_control_characters_is_rejected()
    {
        var validator = new TurnValidator(new TurnLimits());
        var e = Assert.Throws<TurnRejectedException>(() => validator.Validate(Turn.Create("ali\nce", null, [new(ChatMessage.UserRole, "hi")], TimeProvider.System)));
        Assert.Equal("user_id", e.Field);
    }
}
