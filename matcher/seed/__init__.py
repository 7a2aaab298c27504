"""Demo data (`flask seed-demo`) and bulk data at national scale (`flask seed-bulk`)."""
