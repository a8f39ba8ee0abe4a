using System;
using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace SecurityOps.State
{
    /// <summary>Times on disk are UTC, ISO 8601 ("2026-01-31T16:00:00Z"); reading accepts any offset or a bare date.</summary>
    internal sealed class DateTimeOffsetConverter : IYamlTypeConverter
    {
        public bool Accepts(Type type) => type == typeof(DateTimeOffset) || type == typeof(DateTimeOffset?);

        public object ReadYaml(IParser parser, Type type, ObjectDeserializer rootDeserializer)
        {
            var scalar = parser.Consume<Scalar>();
            if (string.IsNullOrEmpty(scalar.Value) || scalar.Value == "~" || scalar.Value == "null")
            {
                if (type == typeof(DateTimeOffset?))
                {
                    return null;
                }

                throw new YamlException(scalar.Start, scalar.End, "A date and time is required here.");
            }

            if (TryParse(scalar.Value, out DateTimeOffset value))
            {
                return value;
            }

            throw new YamlException(scalar.Start, scalar.End, $"'{scalar.Value}' is not a date and time (use ISO 8601, e.g. 2026-01-31T16:00:00Z).");
        }

        public void WriteYaml(IEmitter emitter, object value, Type type, ObjectSerializer serializer)
        {
            if (value == null)
            {
                emitter.Emit(new Scalar(null, null, "", ScalarStyle.Plain, true, false));
                return;
            }

            var instant = ((DateTimeOffset)value).ToUniversalTime();
            emitter.Emit(new Scalar(null, null, Format(instant), ScalarStyle.Plain, true, false));
        }

        public static string Format(DateTimeOffset instant) =>
            instant.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

        public static bool TryParse(string text, out DateTimeOffset value) =>
            DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
    }
}
