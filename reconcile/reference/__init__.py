"""Reference data from domain.md: indicator hierarchy, function classes, revenue sources."""
