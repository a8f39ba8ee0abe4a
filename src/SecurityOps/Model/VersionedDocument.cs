namespace SecurityOps.Model
{
    /// <summary>Every state file carries a schema version, so a newer file is refused rather than misread.</summary>
    internal interface IVersionedDocument
    {
        int SchemaVersion { get; set; }
    }

    /// <summary>The schema version this module writes (and the newest it reads).</summary>
    internal static class SchemaVersions
    {
        public const int Current = 2;

        /// <summary>Schema 2: a case keeps one list of fixed versions (the old <c>fixedIn</c> is its first) and one mitigation text.</summary>
        public const int OneCaseModel = 2;
    }
}
