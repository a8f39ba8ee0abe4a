using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Security;
using System.Text;
using System.Text.RegularExpressions;

namespace SecurityOps.HelpBuilder
{
    /// <summary>
    /// Packs the staged module as the PowerShell Gallery and PSResourceGet expect a module package: a NuGet package
    /// (an OPC zip) with the module's files at its root and a nuspec whose id, version, description, authors, licence,
    /// project URL and tags come from the manifest, plus the tags galleries index modules by: PSModule,
    /// PSCmdlet_&lt;name&gt; for every exported cmdlet, PSIncludes_Cmdlet. The version has one home: the manifest
    /// (which a test ties to Directory.Build.props).
    /// </summary>
    public static class ModulePackager
    {
        public static string Pack(string manifestPath, string outputDirectory)
        {
            string moduleDir = Path.GetDirectoryName(manifestPath);
            string text = File.ReadAllText(manifestPath);
            string id = Path.GetFileNameWithoutExtension(manifestPath);
            string version = Scalar(text, "ModuleVersion") ?? throw new InvalidDataException("ModuleVersion is missing from " + manifestPath);
            var cmdlets = List(text, "CmdletsToExport");
            var tags = List(text, "Tags");
            tags.Add("PSModule");
            tags.Add("PSIncludes_Cmdlet");
            tags.AddRange(cmdlets.Select(c => "PSCmdlet_" + c));
            string nuspec =
                "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" +
                "<package xmlns=\"http://schemas.microsoft.com/packaging/2011/08/nuspec.xsd\">\n" +
                "  <metadata>\n" +
                $"    <id>{Xml(id)}</id>\n" +
                $"    <version>{Xml(version)}</version>\n" +
                $"    <authors>{Xml(Scalar(text, "Author") ?? id)}</authors>\n" +
                $"    <owners>{Xml(Scalar(text, "CompanyName") ?? Scalar(text, "Author") ?? id)}</owners>\n" +
                "    <requireLicenseAcceptance>false</requireLicenseAcceptance>\n" +
                $"    <license type=\"expression\">MIT</license>\n" +
                $"    <licenseUrl>https://licenses.nuget.org/MIT</licenseUrl>\n" +
                $"    <projectUrl>{Xml(Scalar(text, "ProjectUri"))}</projectUrl>\n" +
                $"    <description>{Xml(Scalar(text, "Description"))}</description>\n" +
                $"    <releaseNotes>{Xml(Scalar(text, "ReleaseNotes"))}</releaseNotes>\n" +
                $"    <copyright>{Xml(Scalar(text, "Copyright"))}</copyright>\n" +
                $"    <tags>{Xml(string.Join(" ", tags.Distinct(StringComparer.OrdinalIgnoreCase)))}</tags>\n" +
                "  </metadata>\n" +
                "</package>\n";

            Directory.CreateDirectory(outputDirectory);
            string package = Path.Combine(outputDirectory, $"{id}.{version}.nupkg");
            string temp = package + ".tmp";
            File.Delete(temp);
            using (ZipArchive zip = ZipFile.Open(temp, ZipArchiveMode.Create))
            {
                Add(zip, id + ".nuspec", nuspec);
                foreach (string file in Directory.EnumerateFiles(moduleDir, "*", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal))
                {
                    string entry = Path.GetRelativePath(moduleDir, file).Replace('\\', '/');
                    zip.CreateEntryFromFile(file, entry, CompressionLevel.Optimal);
                }

                Add(zip, "[Content_Types].xml",
                    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">" +
                    "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\" />" +
                    "<Default Extension=\"nuspec\" ContentType=\"application/octet\" />" +
                    "<Default Extension=\"psmdcp\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\" />" +
                    "<Default Extension=\"dll\" ContentType=\"application/octet\" /><Default Extension=\"psd1\" ContentType=\"application/octet\" />" +
                    "<Default Extension=\"ps1xml\" ContentType=\"application/octet\" /><Default Extension=\"xml\" ContentType=\"application/octet\" />" +
                    "<Default Extension=\"txt\" ContentType=\"application/octet\" /><Default Extension=\"md\" ContentType=\"application/octet\" />" +
                    "<Default Extension=\"json\" ContentType=\"application/octet\" /></Types>\n");
                Add(zip, "_rels/.rels",
                    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">" +
                    $"<Relationship Type=\"http://schemas.microsoft.com/packaging/2010/07/manifest\" Target=\"/{id}.nuspec\" Id=\"R0\" /></Relationships>\n");
            }

            File.Move(temp, package, overwrite: true);
            return package;
        }

        private static void Add(ZipArchive zip, string name, string content)
        {
            using var writer = new StreamWriter(zip.CreateEntry(name, CompressionLevel.Optimal).Open(), new UTF8Encoding(false));
            writer.Write(content);
        }

        private static string Xml(string value) => SecurityElement.Escape(value ?? string.Empty);

        private static string Scalar(string manifest, string key)
        {
            Match m = Regex.Match(manifest, @"(?m)^\s*" + key + @"\s*=\s*'((?:[^']|'')*)'");
            return m.Success ? m.Groups[1].Value.Replace("''", "'") : null;
        }

        private static List<string> List(string manifest, string key)
        {
            Match m = Regex.Match(manifest, @"(?s)\b" + key + @"\s*=\s*@\((.*?)\)");
            return m.Success
                ? Regex.Matches(m.Groups[1].Value, @"'((?:[^']|'')*)'").Select(x => x.Groups[1].Value.Replace("''", "'")).ToList()
                : new List<string>();
        }
    }
}
