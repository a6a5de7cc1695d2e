# The events issue adds Event, Registration and friends here.
