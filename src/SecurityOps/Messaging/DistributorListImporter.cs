using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using SecurityOps.Model;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SecurityOps.Messaging
{
    /// <summary>One member read from a list file, with the line it stands on.</summary>
    internal sealed class ImportedMember
    {
        public DistributorMember Member { get; set; }

        public int Line { get; set; }
    }

    /// <summary>What a list file holds: the members it would add, each bad row's error, and the warnings.</summary>
    internal sealed class DistributorImportPlan
    {
        public string Path { get; set; }

        public string Format { get; set; }

        public List<ImportedMember> Members { get; } = new List<ImportedMember>();

        public List<SecurityOpsException> Errors { get; } = new List<SecurityOpsException>();

        public List<string> Warnings { get; } = new List<string>();
    }

    /// <summary>
    /// Reads a distributors list a project already keeps (Import-DistributorList): YAML (a list of members), CSV, or a
    /// markdown table, with the columns organisation, alias, people, fingerprint and key (an armored key, or a key file
    /// beside the list), optionally id and distribution. People are "Name &lt;email&gt; (role); Name2 &lt;email2&gt;".
    /// Every row is checked before anything is written: a bad row is an error naming the file and its line, and a file
    /// with any bad row adds no one.
    /// </summary>
    internal static class DistributorListImporter
    {
        public static readonly string[] Formats = { "yaml", "csv", "markdown" };

        private static readonly Regex MailAddress = new Regex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}", RegexOptions.CultureInvariant);
        private static readonly Regex WholeAddress = new Regex(@"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}$", RegexOptions.CultureInvariant);
        private static readonly Regex MarkdownLink = new Regex(@"\[(?<t>[^\]]*)\]\([^)]*\)", RegexOptions.CultureInvariant);
        private static readonly Regex LineBreakTag = new Regex(@"<br\s*/?>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        private static readonly Regex TableSeparator = new Regex(@"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$", RegexOptions.CultureInvariant);
        private static readonly Regex Person = new Regex(@"^(?<name>[^<>()]*?)\s*(?:<(?<email>[^<>]*)>)?\s*(?:\((?<role>[^()]*)\))?\s*$", RegexOptions.CultureInvariant);
        private const string KeyBegin = "-----BEGIN PGP PUBLIC KEY BLOCK-----";

        /// <summary>Column names as written (letters and digits, lower case) and the field each one fills.</summary>
        private static readonly Dictionary<string, string> Columns = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["id"] = "id", ["handle"] = "id", ["memberid"] = "id",
            ["organisation"] = "organisation", ["organization"] = "organisation", ["org"] = "organisation", ["vendor"] = "organisation", ["company"] = "organisation",
            ["distribution"] = "distribution", ["distro"] = "distribution",
            ["alias"] = "alias", ["securityalias"] = "alias", ["securityemail"] = "alias", ["securityaddress"] = "alias", ["email"] = "alias", ["mail"] = "alias",
            ["people"] = "people", ["persons"] = "people", ["contacts"] = "people", ["contactpeople"] = "people",
            ["fingerprint"] = "fingerprint", ["keyfingerprint"] = "fingerprint", ["fpr"] = "fingerprint", ["pgpfingerprint"] = "fingerprint", ["openpgpfingerprint"] = "fingerprint",
            ["key"] = "key", ["keyfile"] = "key", ["publickey"] = "key", ["armoredkey"] = "key", ["pgpkey"] = "key", ["openpgpkey"] = "key", ["keypath"] = "key", ["armoredpublickey"] = "key",
        };

        private sealed class Row
        {
            public int Line;
            public readonly Dictionary<string, string> Fields = new Dictionary<string, string>(StringComparer.Ordinal);
        }

        /// <summary>The format a path's name says (yaml, csv, markdown), else what its first line looks like.</summary>
        public static string Detect(string path)
        {
            switch (System.IO.Path.GetExtension(path).ToLowerInvariant())
            {
                case ".yaml":
                case ".yml":
                    return "yaml";
                case ".csv":
                    return "csv";
                case ".md":
                case ".markdown":
                    return "markdown";
            }

            string first = File.ReadLines(path).FirstOrDefault(l => l.Trim().Length > 0)?.Trim() ?? string.Empty;
            return first.StartsWith("|", StringComparison.Ordinal) || first.StartsWith("#", StringComparison.Ordinal) ? "markdown"
                : first.StartsWith("-", StringComparison.Ordinal) || first.StartsWith("members:", StringComparison.Ordinal) ? "yaml"
                : "csv";
        }

        /// <summary>Reads and checks the list file against the list as it is; writes nothing.</summary>
        public static DistributorImportPlan Plan(string path, string format, DistributorList existing, DateTimeOffset now)
        {
            var plan = new DistributorImportPlan { Path = path, Format = format ?? Detect(path) };
            List<Row> rows;
            try
            {
                string text = File.ReadAllText(path);
                rows = plan.Format == "yaml" ? ReadYaml(text, plan)
                    : plan.Format == "csv" ? Table(ReadCsv(text), plan)
                    : plan.Format == "markdown" ? Table(ReadMarkdown(text), plan)
                    : throw new SecurityOpsException("DistributorImportFormat", FailureKind.InvalidArgument, path, $"'{plan.Format}' is not a list format: {string.Join(", ", Formats)}.");
            }
            catch (RowException ex)
            {
                plan.Errors.Add(ex.Error);
                return plan;
            }

            var ids = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            var aliases = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            foreach (Row row in rows)
            {
                var problems = new List<string>();
                DistributorMember member = ToMember(row, path, now, problems, plan.Warnings);
                if (problems.Count > 0)
                {
                    plan.Errors.Add(Error("DistributorImportRowInvalid", FailureKind.InvalidData, path, row.Line, string.Join("; ", problems) + "."));
                    continue;
                }

                string duplicate = Duplicate(member, existing)
                    ?? (ids.TryGetValue(member.Id, out int idLine) ? $"the id '{member.Id}' is also on line {idLine}"
                    : aliases.TryGetValue(member.SecurityAlias, out int aliasLine) ? $"the alias {member.SecurityAlias} is also on line {aliasLine}" : null);
                if (duplicate != null)
                {
                    plan.Errors.Add(Error("DistributorImportDuplicate", FailureKind.ResourceExists, path, row.Line, duplicate + "; nothing is imported twice."));
                    continue;
                }

                ids[member.Id] = row.Line;
                aliases[member.SecurityAlias] = row.Line;
                plan.Members.Add(new ImportedMember { Member = member, Line = row.Line });
            }

            if (rows.Count == 0)
            {
                plan.Errors.Add(Error("DistributorImportEmpty", FailureKind.InvalidData, path, 1, $"no member was found in the file (read as {plan.Format})."));
            }

            return plan;
        }

        /// <summary>Why <paramref name="member"/> cannot join <paramref name="list"/> (its id or alias is taken), or null.</summary>
        public static string Duplicate(DistributorMember member, DistributorList list)
        {
            DistributorMember byId = list.Members.FirstOrDefault(m => string.Equals(m.Id, member.Id, StringComparison.OrdinalIgnoreCase));
            if (byId != null)
            {
                return $"'{member.Id}' is already on the distributors list ({byId.Organisation ?? byId.Id}, {byId.Status})";
            }

            DistributorMember byAlias = list.Members.FirstOrDefault(m => !string.Equals(m.Status, "removed", StringComparison.OrdinalIgnoreCase)
                && string.Equals(m.SecurityAlias?.Trim(), member.SecurityAlias, StringComparison.OrdinalIgnoreCase));
            return byAlias == null ? null : $"the alias {member.SecurityAlias} is already member '{byAlias.Id}''s ({byAlias.Status})";
        }

        /// <summary>
        /// People as a list file writes them: "Name &lt;email&gt; (role); Name2 &lt;email2&gt;", one entry per ';' or
        /// line; a bare address is a person too. <paramref name="problems"/> gets the entries that are neither.
        /// </summary>
        public static List<MemberPerson> ParsePeople(string text, out List<string> problems)
        {
            problems = new List<string>();
            var people = new List<MemberPerson>();
            foreach (string raw in (text ?? string.Empty).Split(new[] { ';', '\n' }, StringSplitOptions.RemoveEmptyEntries))
            {
                string entry = raw.Trim();
                if (entry.Length == 0)
                {
                    continue;
                }

                Match m = Person.Match(entry);
                string name = m.Success ? m.Groups["name"].Value.Trim() : entry;
                string email = m.Success && m.Groups["email"].Success ? m.Groups["email"].Value.Trim().Replace("mailto:", string.Empty) : null;
                string role = m.Success && m.Groups["role"].Success ? m.Groups["role"].Value.Trim() : null;
                if (!m.Success)
                {
                    problems.Add($"the person '{entry}' is not written as 'Name <email> (role)'");
                    continue;
                }

                if (email == null)
                {
                    Match bare = MailAddress.Match(name);
                    if (bare.Success)
                    {
                        email = bare.Value;
                        name = name.Remove(bare.Index, bare.Length).Trim(' ', ',', '-', ':');
                    }
                }

                if (email != null && !WholeAddress.IsMatch(email))
                {
                    problems.Add($"the person '{entry}' has '{email}', which is not a mail address");
                    continue;
                }

                if (name.Length == 0 && email == null)
                {
                    problems.Add($"the person '{entry}' has neither a name nor an address");
                    continue;
                }

                people.Add(new MemberPerson { Name = name.NullIfEmpty(), Email = email, Role = role.NullIfEmpty() });
            }

            return people;
        }

        private sealed class RowException : Exception
        {
            public RowException(SecurityOpsException error) : base(error.Message) => Error = error;

            public SecurityOpsException Error { get; }
        }

        private static SecurityOpsException Error(string id, FailureKind kind, string path, int line, string message) =>
            new SecurityOpsException(id, kind, $"{path}:{line}", $"{path}:{line}: {message}");

        private static DistributorMember ToMember(Row row, string path, DateTimeOffset now, List<string> problems, List<string> warnings)
        {
            string Field(string name) => row.Fields.TryGetValue(name, out string v) && !string.IsNullOrWhiteSpace(v) && v.Trim() != "-" && v.Trim() != "—" ? v.Trim() : null;

            string organisation = Field("organisation");
            string id = Field("id") ?? Slug(organisation);
            if (organisation == null)
            {
                problems.Add("no organisation");
            }
            else if (!DistributorStore.IsValidId(id))
            {
                problems.Add($"'{id}' cannot be a member id (letters, digits, '.', '_', '-'; up to 64): give an id column");
            }

            string alias = Field("alias")?.Replace("mailto:", string.Empty).Trim('<', '>', ' ');
            if (alias == null)
            {
                problems.Add("no security alias (the monitored team address notices go to)");
            }
            else if (!WholeAddress.IsMatch(alias))
            {
                problems.Add($"the alias '{alias}' is not a mail address");
            }

            List<MemberPerson> people = ParsePeople(Field("people"), out List<string> personProblems);
            problems.AddRange(personProblems);

            string given = Field("fingerprint");
            string fingerprint = OpenPgpKeys.NormalizeFingerprint(given);
            if (given != null && fingerprint.Length != 40 && fingerprint.Length != 64)
            {
                problems.Add($"the fingerprint '{given}' is not an OpenPGP fingerprint (40 or 64 hex digits)");
            }

            string armored = null;
            string key = Field("key");
            if (key != null)
            {
                if (key.Contains(KeyBegin))
                {
                    armored = key;
                }
                else
                {
                    string file = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)) ?? ".", key);
                    if (!File.Exists(file))
                    {
                        problems.Add($"the key file '{key}' does not exist (relative to the list's folder: {file})");
                    }
                    else
                    {
                        armored = File.ReadAllText(file);
                        if (!armored.Contains(KeyBegin))
                        {
                            problems.Add($"the key file '{key}' holds no armored OpenPGP public key");
                            armored = null;
                        }
                    }
                }
            }

            if (armored != null && problems.Count == 0)
            {
                OpenPgpKeyInfo info = OpenPgpKeys.Inspect(armored, now);
                if (!info.Readable)
                {
                    problems.Add("the key cannot be read: " + info.ReadError);
                }
                else if (fingerprint != null && fingerprint != info.Fingerprint)
                {
                    problems.Add($"the key's fingerprint is {info.Fingerprint}, not the {fingerprint} the list gives");
                }
                else
                {
                    try
                    {
                        OpenPgpKeys.RequireUsable(new DistributorMember { Id = id, PublicKey = armored, Fingerprint = info.Fingerprint }, now);
                        fingerprint = info.Fingerprint;
                    }
                    catch (SecurityOpsException ex)
                    {
                        problems.Add($"the key is not usable ({ex.ErrorId}): {ex.Message}");
                    }
                }
            }

            if (problems.Count > 0)
            {
                return null;
            }

            if (armored == null)
            {
                warnings.Add($"{path}:{row.Line}: '{id}' has no OpenPGP key: embargoed notices cannot be encrypted to it, so none reach it, until Update-DistributorKey {id} -PublicKey <key> -Fingerprint <fingerprint> gives it one.");
            }

            return new DistributorMember
            {
                Id = id,
                Organisation = organisation,
                Distribution = Field("distribution") ?? organisation,
                SecurityAlias = alias,
                People = people,
                PublicKey = armored == null ? null : armored.Trim() + "\n",
                Fingerprint = fingerprint,
                Joined = now,
                Status = "active",
            };
        }

        /// <summary>Header cells to fields; a file without the organisation or alias column is refused at its header.</summary>
        private static List<Row> Table(List<(int Line, List<string> Cells)> records, DistributorImportPlan plan)
        {
            if (records.Count == 0)
            {
                return new List<Row>();
            }

            var (headerLine, header) = records[0];
            var fields = header.Select(h => Columns.TryGetValue(Regex.Replace(h.ToLowerInvariant(), @"[^a-z0-9]", string.Empty), out string f) ? f : null).ToList();
            foreach (string unknown in header.Where((h, i) => fields[i] == null && h.Trim().Length > 0))
            {
                plan.Warnings.Add($"{plan.Path}:{headerLine}: the column '{unknown.Trim()}' is not read (columns: id, organisation, distribution, alias, people, fingerprint, key).");
            }

            var missing = new[] { "organisation", "alias" }.Where(f => !fields.Contains(f)).ToList();
            if (missing.Count > 0)
            {
                throw new RowException(Error("DistributorImportInvalid", FailureKind.InvalidData, plan.Path, headerLine,
                    $"the header ({string.Join(", ", header)}) has no {string.Join(" or ", missing)} column; nothing was imported."));
            }

            var rows = new List<Row>();
            foreach (var (line, cells) in records.Skip(1))
            {
                var row = new Row { Line = line };
                for (int i = 0; i < fields.Count && i < cells.Count; i++)
                {
                    if (fields[i] != null && !row.Fields.ContainsKey(fields[i]))
                    {
                        row.Fields[fields[i]] = cells[i];
                    }
                }

                if (cells.Count > fields.Count && cells.Skip(fields.Count).Any(c => c.Trim().Length > 0))
                {
                    throw new RowException(Error("DistributorImportInvalid", FailureKind.InvalidData, plan.Path, line,
                        $"the row has {cells.Count} cells and the header {fields.Count}; nothing was imported."));
                }

                rows.Add(row);
            }

            return rows;
        }

        /// <summary>RFC 4180 records with the line each starts on: quoted cells may hold commas, quotes ("") and line breaks (an armored key).</summary>
        private static List<(int Line, List<string> Cells)> ReadCsv(string text)
        {
            var records = new List<(int, List<string>)>();
            text = text.TrimStart('\uFEFF').Replace("\r\n", "\n").Replace('\r', '\n');
            int line = 1;
            int i = 0;
            while (i < text.Length)
            {
                int start = line;
                var cells = new List<string>();
                var cell = new StringBuilder();
                bool quoted = false;
                bool end = false;
                while (i < text.Length && !end)
                {
                    char c = text[i++];
                    if (quoted)
                    {
                        if (c == '"' && i < text.Length && text[i] == '"')
                        {
                            cell.Append('"');
                            i++;
                        }
                        else if (c == '"')
                        {
                            quoted = false;
                        }
                        else
                        {
                            line += c == '\n' ? 1 : 0;
                            cell.Append(c);
                        }
                    }
                    else if (c == '"' && cell.ToString().Trim().Length == 0)
                    {
                        cell.Clear();
                        quoted = true;
                    }
                    else if (c == ',')
                    {
                        cells.Add(cell.ToString());
                        cell.Clear();
                    }
                    else if (c == '\n')
                    {
                        line++;
                        end = true;
                    }
                    else
                    {
                        cell.Append(c);
                    }
                }

                cells.Add(cell.ToString());
                bool blank = cells.All(x => x.Trim().Length == 0);
                bool comment = cells[0].TrimStart().StartsWith("#", StringComparison.Ordinal);
                if (!blank && !comment)
                {
                    records.Add((start, cells.Select(x => x.Trim()).ToList()));
                }
            }

            return records;
        }

        /// <summary>The first markdown table: its header and rows, cells cleaned of markup, with their lines.</summary>
        private static List<(int Line, List<string> Cells)> ReadMarkdown(string text)
        {
            string[] lines = text.TrimStart('\uFEFF').Replace("\r\n", "\n").Split('\n');
            var records = new List<(int, List<string>)>();
            for (int i = 0; i + 1 < lines.Length; i++)
            {
                if (!lines[i].Contains("|") || !TableSeparator.IsMatch(lines[i + 1]))
                {
                    continue;
                }

                records.Add((i + 1, Cells(lines[i])));
                for (int r = i + 2; r < lines.Length && lines[r].Contains("|") && lines[r].Trim().Length > 0; r++)
                {
                    records.Add((r + 1, Cells(lines[r])));
                }

                break;
            }

            return records;
        }

        private static List<string> Cells(string line)
        {
            string t = line.Trim();
            t = t.StartsWith("|", StringComparison.Ordinal) ? t.Substring(1) : t;
            t = t.EndsWith("|", StringComparison.Ordinal) && !t.EndsWith("\\|", StringComparison.Ordinal) ? t.Substring(0, t.Length - 1) : t;
            var cells = new List<string>();
            var cell = new StringBuilder();
            for (int i = 0; i < t.Length; i++)
            {
                if (t[i] == '\\' && i + 1 < t.Length && t[i + 1] == '|')
                {
                    cell.Append('|');
                    i++;
                }
                else if (t[i] == '|')
                {
                    cells.Add(Clean(cell.ToString()));
                    cell.Clear();
                }
                else
                {
                    cell.Append(t[i]);
                }
            }

            cells.Add(Clean(cell.ToString()));
            return cells;
        }

        private static string Clean(string cell)
        {
            string t = MarkdownLink.Replace(cell, m => m.Groups["t"].Value);
            t = LineBreakTag.Replace(t, "\n").Replace("`", string.Empty).Replace("**", string.Empty);
            return t.Replace("&lt;", "<").Replace("&gt;", ">").Replace("&amp;", "&").Trim();
        }

        /// <summary>A YAML list of members (or a mapping with members:), each a mapping; people as a list or a string.</summary>
        private static List<Row> ReadYaml(string text, DistributorImportPlan plan)
        {
            var stream = new YamlStream();
            try
            {
                stream.Load(new StringReader(text));
            }
            catch (YamlException ex)
            {
                throw new RowException(Error("DistributorImportInvalid", FailureKind.InvalidData, plan.Path, (int)ex.Start.Line,
                    $"not valid YAML (column {ex.Start.Column}): {ex.InnerException?.Message ?? ex.Message}; nothing was imported."));
            }

            YamlNode root = stream.Documents.FirstOrDefault()?.RootNode;
            if (root is YamlMappingNode top && top.Children.TryGetValue(new YamlScalarNode("members"), out YamlNode inner))
            {
                root = inner;
            }

            if (root == null)
            {
                return new List<Row>();
            }

            if (!(root is YamlSequenceNode sequence))
            {
                throw new RowException(Error("DistributorImportInvalid", FailureKind.InvalidData, plan.Path, (int)root.Start.Line,
                    "expected a list of members (or members: with one); nothing was imported."));
            }

            var rows = new List<Row>();
            var unknown = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (YamlNode item in sequence.Children)
            {
                var row = new Row { Line = (int)item.Start.Line };
                rows.Add(row);
                if (!(item is YamlMappingNode mapping))
                {
                    row.Fields["organisation"] = null; // reported as a row without an organisation
                    continue;
                }

                foreach (var pair in mapping.Children)
                {
                    string name = (pair.Key as YamlScalarNode)?.Value ?? string.Empty;
                    if (!Columns.TryGetValue(Regex.Replace(name.ToLowerInvariant(), @"[^a-z0-9]", string.Empty), out string field))
                    {
                        if (unknown.Add(name))
                        {
                            plan.Warnings.Add($"{plan.Path}:{pair.Key.Start.Line}: the key '{name}' is not read (keys: id, organisation, distribution, alias, people, fingerprint, key).");
                        }

                        continue;
                    }

                    if (field == "people" && pair.Value is YamlSequenceNode list)
                    {
                        var text2 = new List<string>();
                        foreach (YamlNode person in list.Children)
                        {
                            if (person is YamlMappingNode p)
                            {
                                string Get(string k) => p.Children.TryGetValue(new YamlScalarNode(k), out YamlNode v) ? (v as YamlScalarNode)?.Value?.Trim().NullIfEmpty() : null;
                                text2.Add(new MemberPerson { Name = Get("name"), Email = Get("email"), Role = Get("role") }.ToString());
                            }
                            else
                            {
                                text2.Add((person as YamlScalarNode)?.Value ?? string.Empty);
                            }
                        }

                        row.Fields["people"] = string.Join("; ", text2); // read and checked as text: one rule for every format
                        continue;
                    }

                    row.Fields[field] = (pair.Value as YamlScalarNode)?.Value;
                }
            }

            return rows;
        }

        private static string Slug(string name) => name == null ? null : Regex.Replace(name.Trim().ToLowerInvariant(), "[^a-z0-9]+", "-").Trim('-');
    }
}
