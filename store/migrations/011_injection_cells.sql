-- 011: the cells an injection gave, counted or taken from its product's nucleated cells.
ALTER TABLE procedures ADD COLUMN cells REAL;
ALTER TABLE procedures ADD COLUMN cells_from_product INTEGER NOT NULL DEFAULT 0;
