using System.Net;
using System.Net.Http.Headers;
using MailGate.Core.Storage;
using MailGate.Tests.Support;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace MailGate.Tests.Status;

/// <summary>
/// Issue #17: the status page in a real browser. Debian's headless Chromium, driven by its chromedriver through
/// Selenium (both installed by apt in .ci/run), against the real host with a fake PagerDuty and MailKit as the
/// sender. Each step saves a screenshot as a test attachment (under the test results).
/// </summary>
[TestFixture]
[Category("Browser")]
[NonParallelizable]
public sealed class StatusBrowserTests
{
    private const string Token = "status-token-for-the-browser-test-0123";
    private const string ImgSubject = "<img src=x onerror=alert(1)>";
    private const string RloSubject = "Invoice \u202Egpj.exe";

    [Test]
    [CancelAfter(60_000)]
    public async Task StatusPage_ShowsDecisionsDeadLettersAndRetry_RendersHostileTextInert_AndAsksForTheTokenOffLoopback()
    {
        await using var pagerDuty = await FakePagerDuty.StartAsync();
        await using var gateway = await GatewayHarness.StartAsync(pagerDuty, GatewayHarness.DefaultRules, "--Spool:ScanInterval=00:00:00.200");
        using var browser = StartBrowser();
        try
        {
            var status = new Uri(gateway.HttpUrl, "/status");

            // 1. An abuse report appears with its rule and outcome.
            var report = await Mail.SendAsync(gateway, Mail.Simple("Your AWS Abuse Report [12345678] [AWS ID 123456789012]"));
            Assert.That(await gateway.WaitFinishedAsync(report), Is.EqualTo(SpoolArea.Done));
            browser.Navigate().GoToUrl(status);
            var row = Row(browser, "decisions", report);
            Assert.That(row.Text, Does.Contain("aws-abuse-report").And.Contain("delivered").And.Contain("123456789012"));
            Screenshot(browser, "1-abuse-report-delivered");

            // 2. PagerDuty answers 400: a dead letter with PagerDuty's error text.
            pagerDuty.Respond = _ => FakeResponse.Invalid;
            var rejected = await Mail.SendAsync(gateway, Mail.Simple("Your AWS Abuse Report [22222222] [AWS ID 210987654321]"));
            Assert.That(await gateway.WaitFinishedAsync(rejected), Is.EqualTo(SpoolArea.Dead));
            browser.Navigate().GoToUrl(status);
            var dead = Row(browser, "dead", rejected);
            Assert.That(dead.Text, Does.Contain("Event object is invalid").And.Contain("rejected"));
            Screenshot(browser, "2-dead-letter");

            // 3. PagerDuty accepts again; Retry (a form POST with the anti-forgery token) delivers it.
            pagerDuty.Respond = _ => FakeResponse.Accepted;
            gateway.ResetFinished(rejected);
            ClickAndLeave(browser, dead.FindElement(By.CssSelector("button[type=submit]")));
            Assert.That(WaitFor(browser, By.CssSelector(".notice")).Text, Does.Contain("Re-queued"));
            Assert.That(await gateway.WaitFinishedAsync(rejected), Is.EqualTo(SpoolArea.Done));
            browser.Navigate().GoToUrl(new Uri(gateway.HttpUrl, "/status/decisions/" + rejected));
            Assert.That(WaitFor(browser, By.Id("deliveries")).Text, Does.Contain("delivered"));
            Assert.That(browser.FindElement(By.Id("verdicts")).Text, Does.Contain("aws-abuse-report").And.Contain("matched"));
            Screenshot(browser, "3-retried-delivered");

            // 4. Hostile subjects are text: no alert, no element created, the override shown by its code.
            var img = await Mail.SendAsync(gateway, Mail.Simple(ImgSubject));
            var rlo = await Mail.SendAsync(gateway, Mail.Simple(RloSubject));
            await gateway.WaitFinishedAsync(img);
            await gateway.WaitFinishedAsync(rlo);
            browser.Navigate().GoToUrl(status);
            Assert.Multiple(() =>
            {
                Assert.That(Row(browser, "decisions", img).Text, Does.Contain(ImgSubject));
                Assert.That(Row(browser, "decisions", rlo).Text, Does.Contain("Invoice [U+202E]gpj.exe").And.Not.Contain("\u202E"));
                Assert.That(browser.FindElements(By.TagName("img")), Is.Empty);
                Assert.That(browser.FindElements(By.TagName("script")), Is.Empty);
                Assert.That(() => browser.SwitchTo().Alert(), Throws.InstanceOf<NoAlertPresentException>());
            });
            Screenshot(browser, "4-hostile-subjects-inert");
            browser.Navigate().GoToUrl(new Uri(gateway.HttpUrl, "/status/decisions/" + img));
            Assert.That(browser.FindElements(By.TagName("img")), Is.Empty);
            Screenshot(browser, "4b-hostile-decision-page");

            // 5. Off loopback with a token: refused without it, the page with it (the login form sets the cookie).
            await gateway.RestartAsync(pagerDuty, "--Http:Url=http://0.0.0.0:0", $"--Http:StatusToken={Token}");
            var open = new UriBuilder(gateway.HttpUrl) { Host = "127.0.0.1" }.Uri;
            using (var http = new HttpClient { BaseAddress = open })
            {
                Assert.That((await http.GetAsync(new Uri("/status", UriKind.Relative))).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
                Assert.That((await http.GetAsync(new Uri("/api/v1/dead", UriKind.Relative))).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
                Assert.That((await http.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode, Is.EqualTo(HttpStatusCode.OK));
                using var bearer = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/v1/dead", UriKind.Relative));
                bearer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
                Assert.That((await http.SendAsync(bearer)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
            }

            browser.Navigate().GoToUrl(new Uri(open, "/status"));
            var tokenField = WaitFor(browser, By.Id("token"));
            Assert.That(browser.FindElements(By.Id("decisions")), Is.Empty, "the page without the token");
            Screenshot(browser, "5a-refused-without-token");
            tokenField.SendKeys(Token);
            ClickAndLeave(browser, WaitFor(browser, By.CssSelector("form[action='/status/login'] button[type=submit]")));
            WaitFor(browser, By.Id("decisions"));
            Assert.That(Row(browser, "decisions", report).Text, Does.Contain("aws-abuse-report"));
            Screenshot(browser, "5b-with-token");
        }
        catch (Exception e) when (Report(browser, e))
        {
            throw; // never reached: Report returns false, so the exception keeps its stack
        }
    }

    private static ChromeDriver StartBrowser()
    {
        var service = ChromeDriverService.CreateDefaultService("/usr/bin", "chromedriver");
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = "/usr/bin/chromium" };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1400");
        var driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(30));
        driver.Manage().Timeouts().PageLoad = TimeSpan.FromSeconds(20);
        return driver;
    }

    /// <summary>
    /// The element <paramref name="by"/> once the page shows it (a form POST and its redirect take a moment, and a
    /// page being replaced answers with a stale or missing element meanwhile); 20 s at most, then a timeout naming it.
    /// </summary>
    private static IWebElement WaitFor(ChromeDriver browser, By by)
    {
        var wait = new WebDriverWait(browser, TimeSpan.FromSeconds(20)) { Message = $"waiting for {by}" };
        wait.IgnoreExceptionTypes(typeof(NoSuchElementException), typeof(StaleElementReferenceException));
        return wait.Until(driver => driver.FindElements(by).FirstOrDefault(e => e.Displayed));
    }

    /// <summary>
    /// Clicks <paramref name="button"/> and waits until its page is gone (the button is stale: the POST and its
    /// redirect have replaced the document), 20 s at most; the caller then waits for what the new page shows. The
    /// URL alone cannot tell: the login form and the retry both post from <c>/status</c> and land on it again.
    /// </summary>
    private static void ClickAndLeave(ChromeDriver browser, IWebElement button)
    {
        button.Click();
        var wait = new WebDriverWait(browser, TimeSpan.FromSeconds(20)) { Message = "waiting for the page the click posts to" };
        wait.Until(driver =>
        {
            try
            {
                _ = button.Enabled; // still the old page
                return false;
            }
            catch (StaleElementReferenceException)
            {
                return true;
            }
        });
    }

    /// <summary>The row of section <paramref name="section"/> whose link is the message <paramref name="id"/>, once shown.</summary>
    private static IWebElement Row(ChromeDriver browser, string section, string id) =>
        WaitFor(browser, By.XPath($"//section[@id='{section}']//tr[.//a[text()='{id}']]"));

    /// <summary>On a failure: prints the URL, the title and the page source, and saves a screenshot. Returns false (the exception filter lets it through).</summary>
    private static bool Report(ChromeDriver browser, Exception e)
    {
        try
        {
            TestContext.Out.WriteLine($"FAILED ({e.GetType().Name}: {e.Message}) at {browser.Url} «{browser.Title}»; page source:");
            TestContext.Out.WriteLine(browser.PageSource);
            Screenshot(browser, "failure");
        }
        catch (WebDriverException report)
        {
            TestContext.Out.WriteLine($"FAILED ({e.Message}); the browser could not report: {report.Message}");
        }

        return false;
    }

    private static void Screenshot(ChromeDriver browser, string name)
    {
        var folder = Path.Combine(TestContext.CurrentContext.WorkDirectory, "status-screenshots");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name + ".png");
        browser.GetScreenshot().SaveAsFile(path);
        TestContext.AddTestAttachment(path, name);
    }
}
