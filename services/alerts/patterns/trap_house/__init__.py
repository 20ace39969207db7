"""P11 trap house: children found or seen at premises known as a drugs house."""
