namespace Billing.Storage;

/// <summary>The table type of a stored value as the SDK reads it back, for messages about a row holding another type than the one written.</summary>
internal static class EdmTypes
{
    public static string NameOf(object value) => value switch
    {
        string => "Edm.String",
        long => "Edm.Int64",
        int => "Edm.Int32",
        double => "Edm.Double",
        bool => "Edm.Boolean",
        DateTimeOffset or DateTime => "Edm.DateTime",
        Guid => "Edm.Guid",
        byte[] or BinaryData => "Edm.Binary",
        _ => value.GetType().Name,
    };
}
