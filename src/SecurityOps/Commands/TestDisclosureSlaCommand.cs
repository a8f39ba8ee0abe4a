using System;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using SecurityOps.Disclosure;
using SecurityOps.Model;

namespace SecurityOps.Commands
{
    /// <summary>Test-DisclosureSla: the overdue and due-soon milestones of every open case, with who is on duty.</summary>
    [Cmdlet(VerbsDiagnostic.Test, "DisclosureSla")]
    [OutputType(typeof(DisclosureMilestone))]
    public sealed class TestDisclosureSlaCommand : StateCmdlet
    {
        /// <summary>"Due soon" means due within this window: a TimeSpan ('2.00:00:00') or a number of hours (default: the config's disclosure.dueSoonHours).</summary>
        [Parameter(Position = 0)]
        public object Within { get; set; }

        protected override void EndProcessing()
        {
            TryRun(() =>
            {
                TimeSpan window = Within == null ? Session.DueSoonWindow : ParseWindow(Within);
                DateTimeOffset now = Session.Now;
                string onDuty = Session.OnDutySlot?.Primary;
                var cases = Session.Cases.All().Where(c => !c.IsClosed).ToList();
                WriteVerbose($"Checking {cases.Count} open case(s) at {now:u}; due soon = within {window.TotalHours:0.##} h.{(onDuty == null ? " No rotation is available: OnDuty stays empty." : $" On duty: {onDuty}.")}");
                foreach (DisclosureMilestone m in TimelineCalculator.Alerts(cases.Select(c => (c, Session.PolicyFor(c))), now, window))
                {
                    m.OnDuty = onDuty;
                    WriteObject(m);
                }
            });
        }

        internal static TimeSpan ParseWindow(object value)
        {
            object v = value is PSObject pso ? pso.BaseObject : value;
            TimeSpan result;
            switch (v)
            {
                case TimeSpan span:
                    result = span;
                    break;
                case int i:
                    result = TimeSpan.FromHours(i);
                    break;
                case long l:
                    result = TimeSpan.FromHours(l);
                    break;
                case double d:
                    result = TimeSpan.FromHours(d);
                    break;
                case string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double hours):
                    result = TimeSpan.FromHours(hours);
                    break;
                case string s when TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out TimeSpan parsed):
                    result = parsed;
                    break;
                default:
                    throw new SecurityOpsException("InvalidWithin", FailureKind.InvalidArgument, value,
                        $"-Within '{value}' is neither a TimeSpan nor a number of hours.");
            }

            if (result < TimeSpan.Zero)
            {
                throw new SecurityOpsException("InvalidWithin", FailureKind.InvalidArgument, value, $"-Within '{value}' is negative.");
            }

            return result;
        }
    }
}
