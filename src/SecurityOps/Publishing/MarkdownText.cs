using System.Text;

namespace SecurityOps.Publishing
{
    /// <summary>Small markdown helpers shared by the release notes and the retrospective.</summary>
    internal static class MarkdownText
    {
        /// <summary>Text fit for one table cell: no line breaks, pipes escaped.</summary>
        public static string Cell(string text) => (text ?? string.Empty).Replace("\r", " ").Replace("\n", " ").Replace("|", "\\|");

        /// <summary>A "- **Name:** value" line; nothing when the value is empty.</summary>
        public static void Field(StringBuilder sb, string name, string value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                sb.Append("- **").Append(name).Append(":** ").Append(value.Trim()).Append('\n');
            }
        }
    }
}
