namespace MemoSync.Emulator.Api;

/// <summary>
/// The emulator's stand-in for embedding search: the share of the query's words found in the text.
/// Latin words are split on anything that is not a letter or digit; each CJK character is a word,
/// so Chinese queries match too. Deterministic, so tests can rely on it.
/// </summary>
internal static class WordOverlap
{
    public static double Similarity(string query, string text)
    {
        var wanted = Words(query);
        if (wanted.Count == 0)
        {
            return 0;
        }
        var present = Words(text);
        return (double)wanted.Count(present.Contains) / wanted.Count;
    }

    private static HashSet<string> Words(string text)
    {
        var words = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var current = new System.Text.StringBuilder();
        foreach (var c in text)
        {
            if (c is >= '\u4e00' and <= '\u9fff')
            {
                Flush();
                words.Add(c.ToString());
            }
            else if (char.IsLetterOrDigit(c))
            {
                current.Append(c);
            }
            else
            {
                Flush();
            }
        }
        Flush();
        return words;

        void Flush()
        {
            if (current.Length > 0)
            {
                words.Add(current.ToString());
                current.Clear();
            }
        }
    }
}
