using CirrusExporter.Configuration;
using CirrusExporter.Metrics;

namespace CirrusExporter.UnitTests;

public sealed class LabelNamesTests
{
    [Theory]
    [InlineData(9, "chat")]
    [InlineData(13, "whatsapp")]
    [InlineData(14, "sms")]
    [InlineData(6, "mailbox_connector")]
    [InlineData(15, "voice")]
    [InlineData(0, "general")]
    [InlineData(61, "zendesk")]
    [InlineData(71, "hubspot")]
    public void Modules_default_to_the_lower_case_vendor_name(int id, string name)
    {
        Assert.Equal(name, new LabelNames(new CirrusOptions()).Module(id));
    }

    [Theory]
    [InlineData(1, "open")]
    [InlineData(4, "irrelevant")]
    [InlineData(6, "forward_reply")]
    [InlineData(8, "in_process")]
    [InlineData(10, "follow_up")]
    [InlineData(14, "archive")]
    [InlineData(15, "pending")]
    public void Statuses_default_to_the_snake_case_vendor_name(int id, string name)
    {
        Assert.Equal(name, new LabelNames(new CirrusOptions()).Status(id));
    }

    [Fact]
    public void Unknown_ids_become_unknown_n()
    {
        var labels = new LabelNames(new CirrusOptions());
        Assert.Equal("unknown_12", labels.Status(12));
        Assert.Equal("unknown_16", labels.Status(16));
        Assert.Equal("unknown_2", labels.Module(2));
        Assert.Equal("unknown_99", labels.Module(99));
    }

    [Fact]
    public void Overrides_replace_or_add_names_and_leave_the_rest()
    {
        var labels = new LabelNames(new CirrusOptions
        {
            ModuleNames = { ["9"] = "webchat", ["99"] = "kiosk" },
            StatusNames = { ["1"] = "new", ["12"] = "escalated" },
        });

        Assert.Equal(("webchat", "kiosk", "whatsapp"), (labels.Module(9), labels.Module(99), labels.Module(13)));
        Assert.Equal(("new", "escalated", "in_process"), (labels.Status(1), labels.Status(12), labels.Status(8)));
    }

    [Fact]
    public void Every_built_in_name_is_a_valid_label_value()
    {
        var labels = new LabelNames(new CirrusOptions { MaxUnknownLabelValues = 256 });
        var names = Enumerable.Range(0, 256).SelectMany(id => new[] { labels.Module(id), labels.Status(id) });
        Assert.All(names, n => Assert.True(n is not null && LabelValue.IsValidName(n), n));
    }
}
