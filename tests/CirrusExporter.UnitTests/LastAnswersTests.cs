using CirrusExporter.Collectors;

namespace CirrusExporter.UnitTests;

public sealed class LastAnswersTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    [Fact]
    public void A_target_that_does_not_answer_keeps_its_last_answer_until_max_age_and_a_target_that_leaves_is_forgotten()
    {
        var last = new LastAnswers<long, double>();
        Assert.Equal(new Dictionary<long, double> { [1] = 10, [2] = 20 },
            last.Merge([1, 2], new Dictionary<long, double> { [1] = 10, [2] = 20 }, T0, MaxAge));

        // 2 does not answer: its last answer stands in; 1's new answer replaces the old.
        Assert.Equal(new Dictionary<long, double> { [1] = 11, [2] = 20 },
            last.Merge([1, 2], new Dictionary<long, double> { [1] = 11 }, T0.AddMinutes(5), MaxAge));

        // Past MaxDataAge from its last answer (not from the last carry), 2 is gone.
        Assert.Equal(new Dictionary<long, double> { [1] = 12 },
            last.Merge([1, 2], new Dictionary<long, double> { [1] = 12 }, T0.AddMinutes(5).AddSeconds(1), MaxAge));

        // 1 leaves the targets: nothing of it is kept to come back later.
        Assert.Empty(last.Merge([2], new Dictionary<long, double>(), T0.AddMinutes(6), MaxAge));
        Assert.Empty(last.Merge([1], new Dictionary<long, double>(), T0.AddMinutes(6), MaxAge));
    }
}
