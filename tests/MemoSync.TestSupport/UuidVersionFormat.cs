using NJsonSchema.Validation;
using NJsonSchema.Validation.FormatValidators;

namespace MemoSync.TestSupport;

/// <summary>The document's <c>uuid4</c> and <c>uuid5</c> formats: a UUID whose version nibble says 4 or 5 and whose variant is RFC 4122.</summary>
internal sealed class UuidVersionFormat(string format, int version) : IFormatValidator
{
    public string Format { get; } = format;

    public ValidationErrorKind ValidationErrorKind => ValidationErrorKind.GuidExpected;

    public bool IsValid(string value, Newtonsoft.Json.Linq.JTokenType tokenType) => Is(value, version);

    public static bool Is(string value, int version) =>
        Guid.TryParse(value, out var id) && id.Version == version && (id.Variant & 0b1100) == 0b1000;
}
