-- A sum of doubles that does not depend on the order rows arrive in: the values are added in
-- ascending order, so the same multiset of values always gives the same bits. A plain `sum` adds
-- in the order DuckDB's threads deliver rows and partial sums, which differs in the last bits from
-- run to run; published estimates must not. (Used with `case when` rather than FILTER, which a
-- macro cannot take.)
create or replace temp macro sakernas_sum(x) as sum(x order by x);

-- Variance helpers for Taylor linearisation under a stratified design whose PSUs are treated as
-- drawn with replacement (ultimate-cluster estimator, no finite population correction).
-- Inputs are sums over the PSUs of one stratum h: y = sum_j Y_j, yy = sum_j Y_j^2, and for ratios
-- x, xx, xy likewise, where Y_j and X_j are the PSU's weighted domain totals; n = PSUs in the
-- stratum (domain members or not: PSUs without members contribute zeros).
-- A stratum with a single PSU has no within-stratum variance estimate; it is centred at zero
-- (contributes sum z^2), a conservative choice documented in docs/sakernas.md.

create or replace temp macro sakernas_var_total(n, y, yy) as
    case
        when n > 1 then n / (n - 1.0) * greatest(yy - y * y / n, 0.0)
        else yy
    end;

-- Ratio r = Y / X: linearised score z_j = (Y_j - r X_j) / X, so
-- sum z^2 = (yy - 2 r xy + r^2 xx) / X^2 and sum z = (y - r x) / X.
create or replace temp macro sakernas_var_ratio(n, y, x, yy, xx, xy, r, x_total) as
    case
        when x_total is null or x_total = 0 then null
        when n > 1 then
            n / (n - 1.0) * greatest(
                (yy - 2 * r * xy + r * r * xx) / (x_total * x_total)
                - ((y - r * x) / x_total) * ((y - r * x) / x_total) / n,
                0.0
            )
        else (yy - 2 * r * xy + r * r * xx) / (x_total * x_total)
    end;
