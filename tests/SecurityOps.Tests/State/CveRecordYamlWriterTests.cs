using System;
using System.Linq;
using System.Text;
using SecurityOps.Model;
using SecurityOps.State;
using Xunit;

namespace SecurityOps.Tests.State
{
    /// <summary>
    /// The hand-written CVE record writer gives byte for byte what the general writer gives, on every record it takes,
    /// and takes the records the module writes day to day.
    /// </summary>
    public sealed class CveRecordYamlWriterTests
    {
        [Fact]
        public void ItKnowsEveryStoredPropertyOfTheModel()
        {
            // A property added to the model and not to the writer turns the writer off: this fails until it is added.
            Assert.True(CveRecordYamlWriter.KnowsTheModel);
        }

        [Fact]
        public void EveryRecordItWritesIsByteForByteWhatTheGeneralWriterWritesAndPlainRecordsAreWritten()
        {
            var rng = new Random(20261205);
            int taken = 0, plainTaken = 0, plainTotal = 0;
            for (int i = 0; i < 3000; i++)
            {
                CveRecordYamlTests.usedTricky = false;
                CveRecord record = CveRecordYamlTests.RandomRecord(rng);
                bool plain = !CveRecordYamlTests.usedTricky;
                plainTotal += plain ? 1 : 0;
                string general = YamlFormat.SerializeGeneral(record);
                if (CveRecordYamlWriter.TryWrite(record, out string fast))
                {
                    taken++;
                    plainTaken += plain ? 1 : 0;
                    Assert.True(general == fast, $"The writers differ:\ngeneral:\n{general}\nfast:\n{fast}");
                }
            }

            Assert.True(plainTotal == plainTaken, $"{plainTotal - plainTaken} of {plainTotal} records of plain words were declined");
            Assert.True(plainTotal > 100, $"only {plainTotal} plain records generated");
            Assert.True(taken > 2000, $"only {taken} of 3000 records written by the hand-written writer");
        }

        [Fact]
        public void TextOfAnyCharactersIsWrittenAsTheGeneralWriterWritesItOrLeftToIt()
        {
            // Random text from an alphabet heavy in what YAML treats specially, in every place a text can be.
            const string alphabet = "ab c:#'\"-?,[]{}&*!|>%@`\\/.=+~0123456789éü✓ \t\n\u00a0\u0085\u2028\ufeff";
            var rng = new Random(41);
            int taken = 0;
            for (int i = 0; i < 20000; i++)
            {
                var text = new StringBuilder();
                for (int n = rng.Next(0, 9); n > 0; n--)
                {
                    text.Append(alphabet[rng.Next(alphabet.Length)]);
                }

                string value = rng.Next(8) == 0 ? new string('w', 90) + " " + text : text.ToString();
                var record = new CveRecord
                {
                    CveId = "CVE-2026-1000",
                    Title = value,
                    References = { value },
                    Packages = { new PackageRef("pkg") { Versions = new System.Collections.Generic.List<string> { value } } },
                    Sources = { new CveSighting { Source = "feed", AdvisoryId = value } },
                };
                string general;
                try
                {
                    general = YamlFormat.SerializeGeneral(record);
                }
                catch (Exception ex) when (ex is StateFileException || ex is InvalidOperationException)
                {
                    // YamlDotNet emits some texts it cannot read back (the general writer fails on them): the
                    // hand-written one must then decline too, or write what reads back as it was.
                    general = null;
                }

                if (CveRecordYamlWriter.TryWrite(record, out string fast))
                {
                    taken++;
                    Assert.True(general == fast, $"The writers differ on {System.Text.Json.JsonSerializer.Serialize(value)}:\ngeneral:\n{general}\nfast:\n{fast}");
                }
            }

            Assert.True(taken > 10000, $"only {taken} of 20000 texts written by the hand-written writer");
        }

        [Fact]
        public void ScoresAreSpelledAsTheGeneralWriterSpellsThem()
        {
            for (int tenths = 0; tenths <= 100; tenths++)
            {
                var record = new CveRecord { CveId = "CVE-2026-1000", CvssScore = tenths / 10.0 };
                Assert.True(CveRecordYamlWriter.TryWrite(record, out string fast));
                Assert.Equal(YamlFormat.SerializeGeneral(record), fast);
            }

            Assert.False(CveRecordYamlWriter.TryWrite(new CveRecord { CveId = "CVE-2026-1000", CvssScore = 7.25 }, out _));
        }
    }
}
