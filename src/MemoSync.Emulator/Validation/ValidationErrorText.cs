using System.Text;

namespace MemoSync.Emulator.Validation;

/// <summary>
/// <c>str(ValidationError)</c> of pydantic 2.11, the text the server puts after "Unable to parse blob: "
/// and similar prefixes.
/// </summary>
internal static class ValidationErrorText
{
    private const string DocsUrl = "https://errors.pydantic.dev/2.11/v/";
    private const int InputLimit = 50;

    public static string Of(string title, IReadOnlyCollection<PydanticError> errors)
    {
        var text = new StringBuilder();
        text.Append(errors.Count).Append(" validation error").Append(errors.Count == 1 ? "" : "s").Append(" for ").Append(title);
        foreach (var e in errors)
        {
            text.Append('\n');
            if (e.Loc.Count > 0)
            {
                text.AppendJoin('.', e.Loc).Append('\n');
            }
            text.Append("  ").Append(e.Msg).Append(" [type=").Append(e.Type)
                .Append(", input_value=").Append(Truncated(PythonRepr.Of(e.Input)))
                .Append(", input_type=").Append(PythonRepr.TypeName(e.Input)).Append(']')
                .Append("\n    For further information visit ").Append(DocsUrl).Append(e.Type);
        }
        return text.ToString();
    }

    /// <summary>pydantic shows a long input as its start and its end around "...".</summary>
    private static string Truncated(string repr)
    {
        if (repr.Length <= InputLimit)
        {
            return repr;
        }
        var head = (InputLimit + 1) / 2;
        return $"{repr[..head]}...{repr[(repr.Length - (InputLimit - head) + 1)..]}";
    }
}
