using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace CirrusExporter.Configuration;

public enum KeyShape { Value, List, Map }

/// <param name="Path">Full key path; list items as ":N", map entries as ":&lt;id&gt;".</param>
/// <param name="ValueType">The type one configuration value converts to (the element type for lists and maps).</param>
/// <param name="Default">The code's default: the property's value on a freshly constructed options object.</param>
/// <param name="InListItem">True under a list of objects, where items have no default of their own.</param>
/// <param name="Doc">What the key means, from its <see cref="KeyDocAttribute"/> (null when it has none).</param>
public sealed record ConfigKey(
    string Path, Type ValueType, KeyShape Shape, object? Default, bool InListItem, KeyDocAttribute? Doc)
{
    /// <summary>No default to show: a list item's key, no value, an empty string or an empty list or map.</summary>
    public bool Unset => InListItem || Default is null or "" || Default is System.Collections.ICollection { Count: 0 };
}

/// <summary>Every configuration key the exporter binds, found by walking the options classes.</summary>
public static class ConfigurationKeys
{
    /// <summary>
    /// Every key, with one section under <c>Cirrus:Collectors</c> for each of <paramref name="collectors"/>, in their
    /// order.
    /// </summary>
    public static IReadOnlyList<ConfigKey> Of(IEnumerable<ICollectorSection> collectors) =>
    [
        .. Walk(typeof(CirrusOptions), new CirrusOptions { Collectors = new CollectorsOptions(collectors) },
            CirrusOptions.Section, false),
        .. Walk(typeof(WebOptions), new WebOptions(), WebOptions.Section, false),
        .. Walk(typeof(LogOptions), new LogOptions(), LogOptions.Section, false),
    ];

    /// <summary>
    /// What the walk reads of an options class. The binder's generated code sets properties without reflection, so
    /// a Native AOT build keeps this metadata only for classes listed on <see cref="Walk"/>, carried by a collector's
    /// <see cref="CollectorOptionsBinding.Type"/>, or named by a DynamicDependency of a kept class (a unit test
    /// checks).
    /// </summary>
    public const DynamicallyAccessedMemberTypes Walked =
        DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.PublicParameterlessConstructor;

    [DynamicDependency(Walked, typeof(CirrusOptions))]
    [DynamicDependency(Walked, typeof(StreamOptions))]
    [DynamicDependency(Walked, typeof(HttpOptions))]
    [DynamicDependency(Walked, typeof(WebOptions))]
    [DynamicDependency(Walked, typeof(LogOptions))]
    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "Every options type is kept: see Walked.")]
    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "Every options type is kept: see Walked.")]
    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "Every options type is kept: see Walked.")]
    [UnconditionalSuppressMessage("Trimming", "IL2062", Justification = "Every options type is kept: see Walked.")]
    [UnconditionalSuppressMessage("Trimming", "IL2067", Justification = "Every options type is kept: see Walked.")]
    private static IEnumerable<ConfigKey> Walk(Type type, object instance, string prefix, bool inListItem)
    {
        // The binder sets public writable properties only, so computed ones such as Deadline are not keys.
        // Base-class keys first: Enabled, Interval and Timeout lead every collector's section.
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.SetMethod?.IsPublic == true)
            .OrderBy(p => Depth(p.DeclaringType!));
        foreach (var property in properties)
        {
            var path = $"{prefix}:{property.Name}";
            var value = property.GetValue(instance);
            var t = property.PropertyType;
            var doc = property.GetCustomAttribute<KeyDocAttribute>();
            if (value is CollectorsOptions collectors)
            {
                // One section per collector, in their order, with its own options type.
                foreach (var d in collectors.Sections())
                {
                    foreach (var key in Walk(d.OptionsBinding.Type, collectors.For(d), $"{path}:{d.Section}",
                        inListItem))
                    {
                        yield return key;
                    }
                }
            }
            else if (IsSimple(t))
            {
                yield return new ConfigKey(path, Nullable.GetUnderlyingType(t) ?? t, KeyShape.Value, value,
                    inListItem, doc);
            }
            else if (Generic(t, typeof(List<>)) is [var element])
            {
                if (IsSimple(element))
                {
                    yield return new ConfigKey(path + ":N", element, KeyShape.List, value, inListItem, doc);
                }
                else
                {
                    foreach (var key in Walk(element, Activator.CreateInstance(element)!, path + ":N", true))
                    {
                        yield return key;
                    }
                }
            }
            else if (Generic(t, typeof(Dictionary<,>)) is [_, var valueType])
            {
                if (IsSimple(valueType))
                {
                    yield return new ConfigKey(path + ":<id>", valueType, KeyShape.Map, value, inListItem, doc);
                }
                else
                {
                    foreach (var key in Walk(valueType, Activator.CreateInstance(valueType)!, path + ":<id>", true))
                    {
                        yield return key;
                    }
                }
            }
            else
            {
                foreach (var key in Walk(t, value ?? Activator.CreateInstance(t)!, path, inListItem)) yield return key;
            }
        }
    }

    private static int Depth(Type t) => t.BaseType is { } b ? 1 + Depth(b) : 0;

    private static bool IsSimple(Type t)
    {
        t = Nullable.GetUnderlyingType(t) ?? t;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(TimeSpan)
            || t == typeof(Uri);
    }

    private static Type[]? Generic(Type t, Type definition) =>
        t.IsGenericType && t.GetGenericTypeDefinition() == definition ? t.GetGenericArguments() : null;

    /// <summary>The word docs/configuration.md uses for a value type.</summary>
    public static string TypeWord(Type t) => t switch
    {
        _ when t == typeof(TimeSpan) => "duration",
        _ when t == typeof(bool) => "bool",
        _ when t == typeof(int) || t == typeof(long) => "integer",
        _ when t == typeof(double) => "number",
        _ when t == typeof(string) => "string",
        _ when t == typeof(Uri) => "URL",
        { IsEnum: true } => "enum",
        _ => throw new InvalidOperationException($"no documented type word for {t}"),
    };
}
