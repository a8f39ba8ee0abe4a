using System.Collections.Generic;
using System.Linq;
using System.Xml;

namespace SecurityOps.HelpBuilder
{
    /// <summary>Writes MAML (the XML help format Get-Help reads for binary cmdlets), in the shape platyPS produces.</summary>
    public static class MamlWriter
    {
        private const string Msh = "http://msh";
        private const string Maml = "http://schemas.microsoft.com/maml/2004/10";
        private const string Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
        private const string Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

        public static void Write(string path, IEnumerable<(CommandModel Command, CommandHelpDoc Doc)> pages)
        {
            var settings = new XmlWriterSettings { Indent = true, IndentChars = "  ", Encoding = new System.Text.UTF8Encoding(false) };
            using XmlWriter w = XmlWriter.Create(path, settings);
            w.WriteStartDocument();
            w.WriteStartElement("helpItems", Msh);
            w.WriteAttributeString("schema", "maml");
            foreach (var (command, doc) in pages)
            {
                WriteCommand(w, command, doc);
            }

            w.WriteEndElement();
            w.WriteEndDocument();
        }

        private static void WriteCommand(XmlWriter w, CommandModel command, CommandHelpDoc doc)
        {
            w.WriteStartElement("command", "command", Command);
            w.WriteAttributeString("xmlns", "maml", null, Maml);
            w.WriteAttributeString("xmlns", "dev", null, Dev);

            w.WriteStartElement("command", "details", Command);
            w.WriteElementString("command", "name", Command, command.Name);
            w.WriteElementString("command", "verb", Command, command.Verb);
            w.WriteElementString("command", "noun", Command, command.Noun);
            Description(w, doc.Synopsis);
            w.WriteEndElement();

            Description(w, doc.Description);

            w.WriteStartElement("command", "syntax", Command);
            foreach (ParameterSetModel set in command.ParameterSets)
            {
                w.WriteStartElement("command", "syntaxItem", Command);
                w.WriteElementString("maml", "name", Maml, command.Name);
                foreach (ParameterModel parameter in set.Parameters)
                {
                    Parameter(w, parameter, doc, inSyntax: true);
                }

                w.WriteEndElement();
            }

            w.WriteEndElement();

            w.WriteStartElement("command", "parameters", Command);
            foreach (ParameterModel parameter in command.Parameters.OrderBy(p => p.Name, System.StringComparer.OrdinalIgnoreCase))
            {
                Parameter(w, parameter, doc, inSyntax: false);
            }

            w.WriteEndElement();

            var inputs = doc.Inputs.Count > 0
                ? doc.Inputs
                : command.Parameters.Where(p => p.ByValue || p.ByPropertyName)
                    .Select(p => new TypeDoc { TypeName = p.Type.FullName }).GroupBy(t => t.TypeName).Select(g => g.First()).ToList();
            Types(w, "inputTypes", "inputType", inputs);
            var outputs = doc.Outputs.Count > 0 ? doc.Outputs : command.OutputTypes.Select(t => new TypeDoc { TypeName = t }).ToList();
            Types(w, "returnValues", "returnValue", outputs);

            w.WriteStartElement("maml", "alertSet", Maml);
            w.WriteStartElement("maml", "alert", Maml);
            Paras(w, doc.Notes);
            w.WriteEndElement();
            w.WriteEndElement();

            w.WriteStartElement("command", "examples", Command);
            foreach (ExampleDoc example in doc.Examples)
            {
                w.WriteStartElement("command", "example", Command);
                w.WriteElementString("maml", "title", Maml, $"-------------------------- {example.Title} --------------------------");
                w.WriteElementString("dev", "code", Dev, example.Code ?? string.Empty);
                w.WriteStartElement("dev", "remarks", Dev);
                Paras(w, example.Remarks);
                w.WriteEndElement();
                w.WriteEndElement();
            }

            w.WriteEndElement();

            w.WriteStartElement("command", "relatedLinks", Command);
            if (!string.IsNullOrEmpty(doc.OnlineVersion))
            {
                Link(w, "Online Version:", doc.OnlineVersion);
            }

            foreach (var link in doc.Links)
            {
                Link(w, link.Key, link.Value);
            }

            w.WriteEndElement();
            w.WriteEndElement();
        }

        private static void Parameter(XmlWriter w, ParameterModel parameter, CommandHelpDoc doc, bool inSyntax)
        {
            string typeName = CommandModelReader.FriendlyName(parameter.Type);
            w.WriteStartElement("command", "parameter", Command);
            w.WriteAttributeString("required", parameter.Mandatory ? "true" : "false");
            w.WriteAttributeString("variableLength", parameter.Type.IsArray ? "true" : "false");
            w.WriteAttributeString("globbing", parameter.Globbing ? "true" : "false");
            w.WriteAttributeString("pipelineInput", parameter.PipelineInput);
            w.WriteAttributeString("position", parameter.Position?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "named");
            w.WriteAttributeString("aliases", parameter.Aliases.Count == 0 ? "none" : string.Join(", ", parameter.Aliases));
            w.WriteElementString("maml", "name", Maml, parameter.Name);
            List<string> text = doc.Parameters.TryGetValue(parameter.Name, out ParameterDoc pdoc) && pdoc.Description.Count > 0
                ? pdoc.Description
                : HelpValidator.DefaultDescriptions.TryGetValue(parameter.Name, out string fallback) ? new List<string> { fallback } : new List<string>();
            Description(w, text);

            if (parameter.AcceptedValues.Count > 0)
            {
                w.WriteStartElement("command", "parameterValueGroup", Command);
                foreach (string value in parameter.AcceptedValues)
                {
                    w.WriteStartElement("command", "parameterValue", Command);
                    w.WriteAttributeString("required", "false");
                    w.WriteAttributeString("command", "variableLength", Command, "false");
                    w.WriteString(value);
                    w.WriteEndElement();
                }

                w.WriteEndElement();
            }

            if (!(inSyntax && parameter.IsSwitch))
            {
                w.WriteStartElement("command", "parameterValue", Command);
                w.WriteAttributeString("required", parameter.IsSwitch ? "false" : "true");
                w.WriteAttributeString("variableLength", "false");
                w.WriteString(typeName);
                w.WriteEndElement();
            }

            w.WriteStartElement("dev", "type", Dev);
            w.WriteElementString("maml", "name", Maml, typeName);
            w.WriteElementString("maml", "uri", Maml, string.Empty);
            w.WriteEndElement();
            w.WriteElementString("dev", "defaultValue", Dev, parameter.IsSwitch ? "False" : "None");
            w.WriteEndElement();
        }

        private static void Types(XmlWriter w, string listElement, string itemElement, IEnumerable<TypeDoc> types)
        {
            w.WriteStartElement("command", listElement, Command);
            foreach (TypeDoc type in types)
            {
                w.WriteStartElement("command", itemElement, Command);
                w.WriteStartElement("dev", "type", Dev);
                w.WriteElementString("maml", "name", Maml, type.TypeName);
                w.WriteEndElement();
                Description(w, type.Description);
                w.WriteEndElement();
            }

            w.WriteEndElement();
        }

        private static void Link(XmlWriter w, string text, string uri)
        {
            w.WriteStartElement("maml", "navigationLink", Maml);
            w.WriteElementString("maml", "linkText", Maml, text);
            w.WriteElementString("maml", "uri", Maml, uri);
            w.WriteEndElement();
        }

        private static void Description(XmlWriter w, IEnumerable<string> paragraphs)
        {
            w.WriteStartElement("maml", "description", Maml);
            Paras(w, paragraphs);
            w.WriteEndElement();
        }

        private static void Paras(XmlWriter w, IEnumerable<string> paragraphs)
        {
            foreach (string para in paragraphs)
            {
                w.WriteElementString("maml", "para", Maml, para);
            }
        }
    }
}
