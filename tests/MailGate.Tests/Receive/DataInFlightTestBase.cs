using System.Text;
using MailGate.Receive;
using MailGate.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace MailGate.Tests.Receive;

/// <summary>A gateway whose <c>Smtp:MaxDataInFlight</c> is one largest message (64 KiB), and a session that holds part of it.</summary>
public abstract class DataInFlightTestBase : GatewayTestBase
{
    /// <summary>Both <c>Smtp:MaxMessageSize</c> and <c>Smtp:MaxDataInFlight</c>, in bytes.</summary>
    protected const int Limit = 65_536;

    protected override string[] Settings => [$"--Smtp:MaxMessageSize={Limit}", $"--Smtp:MaxDataInFlight={Limit}", "--Smtp:MaxHeaderSize=8192"];

    internal DataBudget Budget => Gateway.Services.GetRequiredService<DataBudget>();

    /// <summary>
    /// A session that has sent a message of <paramref name="size"/> bytes without its end, returned once the budget
    /// holds at least <paramref name="held"/> bytes (the server has read that much of it).
    /// </summary>
    protected async Task<RawSmtpClient> HoldAsync(int size, int held)
    {
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Budget.Taken += now =>
        {
            if (now >= held)
            {
                holding.TrySetResult();
            }
        };
        var holder = await RawSmtpDialog.ConnectAsync(Gateway);
        await holder.BeginDataAsync();
        await holder.SendRawAsync(Encoding.Latin1.GetBytes(RawSmtpDialog.MessageOfSize(size)));
        await holding.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return holder;
    }
}
