"""The sealed ballot box: key ceremony, share collection, opening by k of n."""
