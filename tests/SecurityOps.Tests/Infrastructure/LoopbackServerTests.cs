using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using Xunit;

namespace SecurityOps.Tests.Infrastructure
{
    public sealed class LoopbackServerTests
    {
        [Fact]
        public async Task ServesFilesWithConditionalGet()
        {
            using var folder = new TempFolder();
            System.IO.File.WriteAllText(folder.Combine("feed.xml"), "<rss/>");
            await using var server = new LoopbackServer(LoopbackServer.StaticFiles(folder.Path));
            using var http = new HttpClient();
            var first = await http.GetAsync(server.Url("feed.xml"));
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            var again = new HttpRequestMessage(HttpMethod.Get, server.Url("feed.xml"));
            again.Headers.TryAddWithoutValidation("If-None-Match", first.Headers.ETag.ToString());
            Assert.Equal(HttpStatusCode.NotModified, (await http.SendAsync(again)).StatusCode);
            Assert.Equal(2, server.Requests.Count);
        }
    }
}
