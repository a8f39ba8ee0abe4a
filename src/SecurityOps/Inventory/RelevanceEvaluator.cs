using System;
using System.Collections.Generic;
using System.Linq;
using SecurityOps.Model;

namespace SecurityOps.Inventory
{
    /// <summary>
    /// Decides a CVE record's relevance from the inventories: each of the record's packages is looked up in every
    /// inventory (by ecosystem and name, by name alone when the advisory names no ecosystem, and through the alias map
    /// of the config), and each shipped version is matched against the package's ranges (<see cref="RangeMatcher"/>).
    /// affected wins; then unknown (no package, no version data, an order the module does not know); else not-affected.
    /// The inventories are indexed once, so a record costs a few dictionary look-ups however large the database is.
    /// A person's decision (<see cref="CveRelevance.Manual"/>) is kept as it is.
    /// </summary>
    internal sealed class RelevanceEvaluator
    {
        private readonly Dictionary<string, List<InventoryPackage>> byKey = new Dictionary<string, List<InventoryPackage>>(StringComparer.Ordinal);
        private readonly Dictionary<string, List<InventoryPackage>> byName = new Dictionary<string, List<InventoryPackage>>(StringComparer.Ordinal);
        private readonly Dictionary<string, List<string>> aliases = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);

        public RelevanceEvaluator(IEnumerable<PackageInventory> inventories, IDictionary<string, string> aliasMap = null)
        {
            Inventories = (inventories ?? Enumerable.Empty<PackageInventory>()).Where(i => i != null).ToList();
            foreach (PackageInventory inventory in Inventories)
            {
                foreach (InventoryPackage package in inventory.Packages ?? new List<InventoryPackage>())
                {
                    if (string.IsNullOrWhiteSpace(package?.Name))
                    {
                        continue;
                    }

                    package.Inventory = inventory.Name;
                    Add(byKey, PackageNames.Key(package.Ecosystem, package.Name), package);
                    Add(byName, PackageNames.NameKey(package.Name), package);
                }
            }

            foreach (var pair in aliasMap ?? new Dictionary<string, string>())
            {
                if (!string.IsNullOrWhiteSpace(pair.Key) && !string.IsNullOrWhiteSpace(pair.Value))
                {
                    if (!aliases.TryGetValue(pair.Key.Trim(), out List<string> targets))
                    {
                        aliases[pair.Key.Trim()] = targets = new List<string>();
                    }

                    targets.Add(pair.Value.Trim());
                }
            }
        }

        public IReadOnlyList<PackageInventory> Inventories { get; }

        /// <summary>False when the state has no inventory: relevance is then not decided, and filing works as without one.</summary>
        public bool HasInventory => Inventories.Count > 0;

        /// <summary>The decision for a record now (a manual one is returned unchanged).</summary>
        public CveRelevance Evaluate(CveRecord record, DateTimeOffset now)
        {
            if (record.Relevance?.Manual == true)
            {
                return record.Relevance;
            }

            var result = new CveRelevance { DecidedAt = now };
            var packages = record.Packages.Where(p => !string.IsNullOrWhiteSpace(p?.Name)).ToList();
            if (packages.Count == 0)
            {
                result.State = CveRelevance.Unknown;
                result.Reason = "no package named yet";
                return result;
            }

            foreach (PackageRef package in packages)
            {
                var shipped = Lookup(package);
                foreach (PackageInventory inventory in Inventories)
                {
                    result.Findings.Add(Finding(inventory.Name, package, shipped.Where(s => s.Inventory == inventory.Name).ToList()));
                }
            }

            var affected = result.Findings.Where(f => f.State == CveRelevance.Affected).ToList();
            var unknown = result.Findings.Where(f => f.State == CveRelevance.Unknown).ToList();
            if (affected.Count > 0)
            {
                result.State = CveRelevance.Affected;
                result.Reason = string.Join("; ", affected.Select(f => $"{f.Inventory} ships {f.Package} {f.Version}"));
            }
            else if (unknown.Count > 0)
            {
                result.State = CveRelevance.Unknown;
                result.Reason = string.Join("; ", unknown.Select(f => $"{f.Inventory}: {f.Package}: {f.Reason}").Distinct());
            }
            else
            {
                result.State = CveRelevance.NotAffected;
                result.Reason = result.Findings.All(f => f.NotShipped)
                    ? $"not shipped ({string.Join(", ", packages.Select(p => p.Name).Distinct())})"
                    : string.Join("; ", result.Findings.Where(f => !f.NotShipped).Select(f => $"{f.Inventory}: {f.Reason}"));
            }

            return result;
        }

        /// <summary>Sets the record's relevance; true when the decision changed.</summary>
        public bool Apply(CveRecord record, DateTimeOffset now)
        {
            CveRelevance fresh = Evaluate(record, now);
            if (fresh.SameAs(record.Relevance))
            {
                return false;
            }

            record.Relevance = fresh;
            return true;
        }

        private RelevanceFinding Finding(string inventory, PackageRef package, List<InventoryPackage> shipped)
        {
            var finding = new RelevanceFinding { Inventory = inventory, Package = package.Name, Ecosystem = package.Ecosystem };
            if (shipped.Count == 0)
            {
                finding.State = CveRelevance.NotAffected;
                finding.Reason = "not shipped";
                return finding;
            }

            var verdicts = shipped.Select(s => (Package: s, Result: RangeMatcher.Match(package, s.Version))).ToList();
            var hit = verdicts.Where(v => v.Result.Verdict == RangeVerdict.Affected).ToList();
            var open = verdicts.Where(v => v.Result.Verdict == RangeVerdict.Unknown).ToList();
            var decided = hit.Count > 0 ? hit : open.Count > 0 ? open : verdicts;
            finding.State = hit.Count > 0 ? CveRelevance.Affected : open.Count > 0 ? CveRelevance.Unknown : CveRelevance.NotAffected;
            finding.Version = string.Join(", ", decided.Select(v => v.Package.Version ?? "?").Distinct());
            finding.Reason = string.Join("; ", decided.Select(v => v.Result.Reason).Distinct());
            if (shipped.Any(s => !string.Equals(s.Name, package.Name, StringComparison.OrdinalIgnoreCase)))
            {
                finding.Reason += $" (shipped as {string.Join(", ", shipped.Select(s => s.Name).Distinct())})";
            }

            return finding;
        }

        private List<InventoryPackage> Lookup(PackageRef package)
        {
            var found = new List<InventoryPackage>();
            void Take(Dictionary<string, List<InventoryPackage>> index, string key)
            {
                if (index.TryGetValue(key, out List<InventoryPackage> hits))
                {
                    found.AddRange(hits.Where(h => !found.Contains(h)));
                }
            }

            if (string.IsNullOrEmpty(package.Ecosystem))
            {
                Take(byName, PackageNames.NameKey(package.Name));
            }
            else
            {
                Take(byKey, PackageNames.Key(package.Ecosystem, package.Name));
            }

            // Alias map: "name" or "name@Ecosystem" on the advisory's side to "name" or "name@Ecosystem" in the inventory.
            foreach (string from in new[] { package.Name + "@" + package.Ecosystem, package.Name })
            {
                if (aliases.TryGetValue(from, out List<string> targets))
                {
                    foreach (string target in targets)
                    {
                        PackageRef to = PackageRef.Parse(target);
                        if (string.IsNullOrEmpty(to.Ecosystem))
                        {
                            Take(byName, PackageNames.NameKey(to.Name));
                        }
                        else
                        {
                            Take(byKey, PackageNames.Key(to.Ecosystem, to.Name));
                        }
                    }
                }
            }

            return found;
        }

        private static void Add(Dictionary<string, List<InventoryPackage>> index, string key, InventoryPackage package)
        {
            if (!index.TryGetValue(key, out List<InventoryPackage> list))
            {
                index[key] = list = new List<InventoryPackage>(1);
            }

            list.Add(package);
        }
    }
}
