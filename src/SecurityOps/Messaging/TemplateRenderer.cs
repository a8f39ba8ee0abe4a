using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using HandlebarsDotNet;
using SecurityOps.Model;
using SecurityOps.State;

namespace SecurityOps.Messaging
{
    /// <summary>
    /// Renders messages from Handlebars templates: a built-in default in the module's words, or the state repo's
    /// templates/&lt;name&gt;.hbs when present. A template is "Subject: ..." on its first line, then the body. Strict: a
    /// template that names a value the model lacks (or holds as null) is an error, so no mail goes out with a blank.
    /// Text is not HTML-escaped (these are plain-text mails).
    /// </summary>
    internal sealed class TemplateRenderer
    {
        private static readonly Regex SubjectLine = new Regex(@"^Subject:[ \t]*(?<subject>.*?)\r?\n", RegexOptions.CultureInvariant);

        private readonly StateRepository files;
        private readonly IHandlebars handlebars;

        public TemplateRenderer(StateRepository files)
        {
            this.files = files;
            handlebars = Handlebars.Create(new HandlebarsConfiguration
            {
                ThrowOnUnresolvedBindingExpression = true,
                NoEscape = true,
            });
        }

        /// <summary>Reads a template: the state's override, else the built-in default; null when neither exists.</summary>
        public (string Text, string Source) Find(string name)
        {
            if (!Regex.IsMatch(name ?? string.Empty, "^[a-z0-9][a-z0-9-]*$"))
            {
                throw new SecurityOpsException("TemplateNameInvalid", FailureKind.InvalidArgument, name, $"'{name}' is not a template name (lower-case letters, digits, dashes).");
            }

            string relative = "templates/" + name + ".hbs";
            string own = files?.ReadText(relative);
            if (own != null)
            {
                return (own, files.FullPath(relative));
            }

            string builtIn = DefaultResources.ReadText(name + ".hbs");
            return builtIn == null ? (null, null) : (builtIn, "built-in " + name);
        }

        public RenderedMessage Render(string name, IDictionary<string, object> model, string to = null)
        {
            var (text, source) = Find(name);
            if (text == null)
            {
                throw new SecurityOpsException("TemplateNotFound", FailureKind.ObjectNotFound, name,
                    $"No template '{name}': neither templates/{name}.hbs in the state nor a built-in one.");
            }

            return RenderText(name, text, source, model, to);
        }

        public RenderedMessage RenderText(string name, string text, string source, IDictionary<string, object> model, string to = null)
        {
            text = text.Replace("\r\n", "\n");
            Match subjectMatch = SubjectLine.Match(text);
            if (!subjectMatch.Success)
            {
                throw new SecurityOpsException("TemplateInvalid", FailureKind.ParserError, source,
                    $"Template {source} must start with a 'Subject: ...' line.");
            }

            string subjectTemplate = subjectMatch.Groups["subject"].Value;
            string bodyTemplate = text.Substring(subjectMatch.Length);
            object data = Clean(model);
            return new RenderedMessage
            {
                Template = name,
                To = to,
                Subject = Apply(subjectTemplate, data, source).Trim(),
                Body = Apply(bodyTemplate, data, source),
            };
        }

        private string Apply(string template, object data, string source)
        {
            HandlebarsTemplate<object, object> compiled;
            try
            {
                compiled = handlebars.Compile(template);
            }
            catch (HandlebarsException ex)
            {
                throw new SecurityOpsException("TemplateInvalid", FailureKind.ParserError, source, $"Template {source} cannot be compiled: {ex.Message}", ex);
            }

            try
            {
                return compiled(data);
            }
            catch (Exception ex) when (ex.GetType().Name == "HandlebarsUndefinedBindingException")
            {
                string path = (ex.GetType().GetProperty("Path")?.GetValue(ex) as string) ?? ex.Message;
                throw new SecurityOpsException("TemplateValueMissing", FailureKind.InvalidData, source,
                    $"Template {source} uses '{path}', which this message has no value for: nothing was sent.", ex);
            }
            catch (HandlebarsException ex)
            {
                throw new SecurityOpsException("TemplateInvalid", FailureKind.InvalidData, source, $"Template {source} failed: {ex.Message}", ex);
            }
        }

        /// <summary>Copies the model, dropping null and empty values so that naming them is "missing", not blank.</summary>
        private static object Clean(object value)
        {
            switch (value)
            {
                case null:
                    return null;
                case string s:
                    return string.IsNullOrWhiteSpace(s) ? null : s;
                case IDictionary<string, object> map:
                    var copy = new Dictionary<string, object>(StringComparer.Ordinal);
                    foreach (var pair in map)
                    {
                        object cleaned = Clean(pair.Value);
                        if (cleaned != null)
                        {
                            copy[pair.Key] = cleaned;
                        }
                    }

                    return copy;
                case IEnumerable list:
                    return list.Cast<object>().Select(Clean).Where(v => v != null).ToList();
                default:
                    return value;
            }
        }
    }

    /// <summary>Messaging's built-in files (templates, criteria), embedded in the module.</summary>
    internal static class DefaultResources
    {
        public static string ReadText(string name)
        {
            using Stream stream = typeof(DefaultResources).Assembly.GetManifestResourceStream("SecurityOps.Messaging.Defaults." + name);
            if (stream == null)
            {
                return null;
            }

            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
    }
}
