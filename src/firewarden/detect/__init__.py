"""Online detection of brewing firestorms in mention series."""
