namespace SecurityOps.Model
{
    public sealed partial class SecurityConfig
    {
        public MessagingSettings Messaging { get; set; } = new MessagingSettings();
    }

    /// <summary>The messaging: section of securityops.yaml.</summary>
    public sealed class MessagingSettings
    {
        /// <summary>The team's sending address (From of every notice).</summary>
        public string From { get; set; }

        /// <summary>The team's name in signatures of messages.</summary>
        public string TeamName { get; set; }

        /// <summary>The clear Subject of every encrypted message: generic, never embargoed.</summary>
        public string GenericSubject { get; set; } = "Encrypted message from the security team";

        /// <summary>The membership criteria requests are tested against: oci or kubeedge.</summary>
        public string MembershipCriteria { get; set; } = "oci";

        /// <summary>Keys that expire within this many days are reported by Test-DistributorList.</summary>
        public int KeyExpiryWarningDays { get; set; } = 30;

        /// <summary>Path (relative to the state) of the team's armored secret key to sign with; empty: unsigned.</summary>
        public string SigningKeyPath { get; set; }

        public SmtpSettings Smtp { get; set; } = new SmtpSettings();
    }

    public sealed class SmtpSettings
    {
        public string Host { get; set; }

        public int Port { get; set; } = 587;

        /// <summary>starttls (required), tls (TLS from the first byte), or none (plaintext, only on an explicit choice).</summary>
        public string Security { get; set; } = "starttls";

        /// <summary>SHA-256 (or SHA-1) thumbprint of a server certificate to trust even when it does not chain (self-signed relay).</summary>
        public string CertificateThumbprint { get; set; }

        /// <summary>Attempts per message on transient failures (4xx, dropped connection).</summary>
        public int MaxAttempts { get; set; } = 4;

        /// <summary>First backoff delay; it doubles with each retry.</summary>
        public double RetryDelaySeconds { get; set; } = 2;

        public int TimeoutSeconds { get; set; } = 60;
    }
}
