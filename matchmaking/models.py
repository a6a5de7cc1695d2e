# The matchmaking issue adds seat plans here.
