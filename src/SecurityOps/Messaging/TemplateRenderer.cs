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
    /// template that names a value the model lacks (or holds as null) is an error, so no mail goes out with a blank. All
    /// the values it lacks are found in one pass and named in one error (TemplateFieldsMissing), each with the command
    /// that fills it (<see cref="TemplateFields"/>); optional parts are guarded by has* flags ({{#if case.hasCveId}}).
    /// Text is not HTML-escaped (these are plain-text mails).
    /// </summary>
    internal sealed class TemplateRenderer
    {
        private static readonly Regex SubjectLine = new Regex(@"^Subject:[ \t]*(?<subject>.*?)\r?\n", RegexOptions.CultureInvariant);

        private readonly StateRepository files;
        private readonly IHandlebars handlebars;

        /// <summary>Templates compiled so far, by their text: a notice to 200 members compiles its template once, not 200 times.</summary>
        private readonly Dictionary<string, HandlebarsTemplate<object, object>> compiledTemplates = new Dictionary<string, HandlebarsTemplate<object, object>>(StringComparer.Ordinal);

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
            var (subjectTemplate, bodyTemplate) = Split(text, source);
            var missing = new List<string>();
            object data = Clean(model);
            string subject = Apply(subjectTemplate, data, source, missing);
            string body = Apply(bodyTemplate, data, source, missing);
            if (missing.Count > 0)
            {
                throw TemplateFields.Missing(name, source, missing, model);
            }

            return new RenderedMessage
            {
                Template = name,
                To = to,
                Subject = subject.Trim(),
                Body = body,
            };
        }

        /// <summary>
        /// The values a template names that the model lacks (every one, in the order the template meets them); empty
        /// when the template renders. Throws only for a template that is not found or cannot be compiled.
        /// </summary>
        public List<string> MissingFields(string name, IDictionary<string, object> model)
        {
            var (text, source) = Find(name);
            if (text == null)
            {
                throw new SecurityOpsException("TemplateNotFound", FailureKind.ObjectNotFound, name,
                    $"No template '{name}': neither templates/{name}.hbs in the state nor a built-in one.");
            }

            var (subjectTemplate, bodyTemplate) = Split(text, source);
            var missing = new List<string>();
            object data = Clean(model);
            Apply(subjectTemplate, data, source, missing);
            Apply(bodyTemplate, data, source, missing);
            return missing;
        }

        private static (string Subject, string Body) Split(string text, string source)
        {
            text = text.Replace("\r\n", "\n");
            Match subjectMatch = SubjectLine.Match(text);
            if (!subjectMatch.Success)
            {
                throw new SecurityOpsException("TemplateInvalid", FailureKind.ParserError, source,
                    $"Template {source} must start with a 'Subject: ...' line.");
            }

            return (subjectMatch.Groups["subject"].Value, text.Substring(subjectMatch.Length));
        }

        /// <summary>
        /// Renders one part. A value the template names but the model lacks is added to <paramref name="missing"/>, a
        /// stand-in is put in its place and the part rendered again, so one run finds every missing value (a value
        /// that cannot be stood in for, such as one relative to an {{#each}} item, ends the search there).
        /// </summary>
        private string Apply(string template, object data, string source, List<string> missing)
        {
            HandlebarsTemplate<object, object> compiled;
            lock (compiledTemplates)
            {
                if (!compiledTemplates.TryGetValue(template, out compiled))
                {
                    try
                    {
                        compiled = handlebars.Compile(template);
                    }
                    catch (HandlebarsException ex)
                    {
                        throw new SecurityOpsException("TemplateInvalid", FailureKind.ParserError, source, $"Template {source} cannot be compiled: {ex.Message}", ex);
                    }

                    compiledTemplates[template] = compiled;
                }
            }

            for (int attempt = 0; attempt < MaxMissing; attempt++)
            {
                try
                {
                    return compiled(data);
                }
                catch (Exception ex) when (ex.GetType().Name == "HandlebarsUndefinedBindingException")
                {
                    string path = (ex.GetType().GetProperty("Path")?.GetValue(ex) as string) ?? ex.Message;
                    bool known = missing.Contains(path, StringComparer.Ordinal);
                    if (!known)
                    {
                        missing.Add(path);
                    }

                    if (known || !StandIn(data, path))
                    {
                        return null;
                    }
                }
                catch (HandlebarsException ex)
                {
                    throw new SecurityOpsException("TemplateInvalid", FailureKind.InvalidData, source, $"Template {source} failed: {ex.Message}", ex);
                }
            }

            return null;
        }

        /// <summary>How many missing values one part may report before the search stops.</summary>
        private const int MaxMissing = 200;

        /// <summary>Puts a stand-in at an absolute dotted path of the (cleaned, private) model; false when it cannot.</summary>
        private static bool StandIn(object data, string path)
        {
            if (!(data is Dictionary<string, object> node) || string.IsNullOrEmpty(path) || !Regex.IsMatch(path, @"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$") || path.StartsWith("this.", StringComparison.Ordinal))
            {
                return false;
            }

            string[] segments = path.Split('.');
            for (int i = 0; i < segments.Length - 1; i++)
            {
                if (!node.TryGetValue(segments[i], out object next))
                {
                    next = new Dictionary<string, object>(StringComparer.Ordinal);
                    node[segments[i]] = next;
                }

                if (!(next is Dictionary<string, object> child))
                {
                    return false;
                }

                node = child;
            }

            string last = segments[segments.Length - 1];
            if (node.ContainsKey(last))
            {
                return false;
            }

            node[last] = "(missing)";
            return true;
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
