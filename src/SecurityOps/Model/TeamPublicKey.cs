using System;
using System.Collections.Generic;

namespace SecurityOps.Model
{
    /// <summary>The team's public OpenPGP key as Export-TeamPublicKey gives it, to publish in SECURITY.md.</summary>
    public sealed class TeamPublicKey
    {
        /// <summary>The primary key's fingerprint (40 hex digits, upper case).</summary>
        public string Fingerprint { get; set; }

        public List<string> UserIds { get; set; } = new List<string>();

        public DateTimeOffset? Created { get; set; }

        /// <summary>When the primary key expires (null: never).</summary>
        public DateTimeOffset? Expires { get; set; }

        /// <summary>The key id reporters' mail programs encrypt to (the encryption subkey, usually).</summary>
        public string EncryptionKeyId { get; set; }

        /// <summary>The public key block, ASCII-armoured. It never holds a secret key.</summary>
        public string PublicKey { get; set; }

        /// <summary>A SECURITY.md section: the fingerprint and the key block.</summary>
        public string Markdown { get; set; }

        /// <summary>The file the key was written to, when -Path was given.</summary>
        public string Path { get; set; }

        public override string ToString() => PublicKey;
    }
}
