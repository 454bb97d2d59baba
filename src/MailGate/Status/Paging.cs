namespace MailGate.Status;

/// <summary>One page of a list, newest first as given.</summary>
/// <typeparam name="T">The item.</typeparam>
/// <param name="Items">This page's items.</param>
/// <param name="Number">The page number, from 1 (clamped to the pages there are).</param>
/// <param name="Size">Items per page.</param>
/// <param name="Total">Items in the whole list.</param>
internal sealed record Page<T>(IReadOnlyList<T> Items, int Number, int Size, int Total)
{
    /// <summary>How many pages the list has (at least 1).</summary>
    public int Pages => Math.Max(1, (Total + Size - 1) / Size);

    /// <summary>Whether a later page exists.</summary>
    public bool HasNext => Number < Pages;
}

/// <summary>Cuts lists into pages. Pure.</summary>
internal static class Paging
{
    /// <summary>The default page size.</summary>
    public const int DefaultSize = 25;

    /// <summary>The largest page size asked for that is honoured.</summary>
    public const int MaxSize = 200;

    /// <summary>
    /// Page <paramref name="number"/> (from 1; below 1 is 1, past the end is the last page) of <paramref name="items"/>,
    /// <paramref name="size"/> per page (null or below 1: <see cref="DefaultSize"/>; above <see cref="MaxSize"/>: that).
    /// </summary>
    public static Page<T> Of<T>(IReadOnlyList<T> items, int? number, int? size)
    {
        var perPage = size is null or < 1 ? DefaultSize : Math.Min(size.Value, MaxSize);
        var pages = Math.Max(1, (items.Count + perPage - 1) / perPage);
        var page = Math.Clamp(number ?? 1, 1, pages);
        var slice = items.Skip((page - 1) * perPage).Take(perPage).ToArray();
        return new Page<T>(slice, page, perPage, items.Count);
    }
}
