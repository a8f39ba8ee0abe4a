using System;
using System.Globalization;
using System.Text;

namespace SecurityOps.Rotation
{
    /// <summary>
    /// A small RFC 5545 writer: content lines end in CRLF, are folded so no line exceeds 75 octets of UTF-8 (never
    /// inside a character), and TEXT values escape backslash, semicolon, comma and newlines.
    /// </summary>
    internal sealed class ICalendarWriter
    {
        public const int MaxLineOctets = 75;

        private static readonly Encoding Utf8 = new UTF8Encoding(false);
        private readonly StringBuilder text = new StringBuilder();

        public ICalendarWriter Begin(string component) => Line("BEGIN:" + component);

        public ICalendarWriter End(string component) => Line("END:" + component);

        /// <summary>A property whose value is written as given (URIs, ids, dates, enumerations).</summary>
        public ICalendarWriter Raw(string name, string value) => Line(name + ":" + (value ?? string.Empty));

        /// <summary>A TEXT property: the value is escaped.</summary>
        public ICalendarWriter Text(string name, string value) => Line(name + ":" + EscapeText(value));

        /// <summary>A UTC date-time (DTSTART:20260108T160000Z).</summary>
        public ICalendarWriter DateTimeUtc(string name, DateTimeOffset value) =>
            Line(name + ":" + value.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture));

        /// <summary>A DATE value (DTSTART;VALUE=DATE:20260105), for all-day events.</summary>
        public ICalendarWriter Date(string name, DateTime value) =>
            Line(name + ";VALUE=DATE:" + value.ToString("yyyyMMdd", CultureInfo.InvariantCulture));

        public override string ToString() => text.ToString();

        /// <summary>Escapes a TEXT value (RFC 5545 3.3.11): \\ \; \, and \n for any line break.</summary>
        public static string EscapeText(string value)
        {
            if (string.IsNullOrEmpty(value))
            {
                return string.Empty;
            }

            var result = new StringBuilder(value.Length + 8);
            for (int i = 0; i < value.Length; i++)
            {
                char c = value[i];
                switch (c)
                {
                    case '\\': result.Append("\\\\"); break;
                    case ';': result.Append("\\;"); break;
                    case ',': result.Append("\\,"); break;
                    case '\r':
                        result.Append("\\n");
                        if (i + 1 < value.Length && value[i + 1] == '\n')
                        {
                            i++;
                        }

                        break;
                    case '\n': result.Append("\\n"); break;
                    default:
                        // Other control characters are not allowed in TEXT (tab is).
                        if (c < 0x20 && c != '\t')
                        {
                            break;
                        }

                        result.Append(c);
                        break;
                }
            }

            return result.ToString();
        }

        /// <summary>
        /// Folds one content line: the first physical line holds up to 75 octets, each continuation a space plus
        /// up to 74; a character (surrogate pairs included) is never split.
        /// </summary>
        public static string Fold(string line)
        {
            if (Utf8.GetByteCount(line) <= MaxLineOctets)
            {
                return line + "\r\n";
            }

            var result = new StringBuilder(line.Length + line.Length / 70 * 3 + 2);
            int octets = 0;
            int i = 0;
            while (i < line.Length)
            {
                int length = char.IsHighSurrogate(line[i]) && i + 1 < line.Length ? 2 : 1;
                int size = Utf8.GetByteCount(line.ToCharArray(i, length));
                if (octets + size > MaxLineOctets)
                {
                    result.Append("\r\n ");
                    octets = 1;
                }

                result.Append(line, i, length);
                octets += size;
                i += length;
            }

            return result.Append("\r\n").ToString();
        }

        private ICalendarWriter Line(string line)
        {
            text.Append(Fold(line));
            return this;
        }
    }
}
