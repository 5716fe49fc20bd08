"""Writers: findings.json, the annotated workbook, 汇总.xlsx. They read findings and the
model; they never decide what is wrong."""
