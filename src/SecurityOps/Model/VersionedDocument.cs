namespace SecurityOps.Model
{
    /// <summary>Every state file carries a schema version, so a newer file is refused rather than misread.</summary>
    public interface IVersionedDocument
    {
        int SchemaVersion { get; set; }
    }

    /// <summary>The schema version this module writes (and the newest it reads).</summary>
    public static class SchemaVersions
    {
        public const int Current = 1;
    }
}
