# sdc_loss.R -- sdcMicro's local suppression on a recoded person table of
# bench/loss_keys.py, finished to what an hhreg release guarantees, for
# bench/bench-loss.sh:
#   Rscript bench/sdc_loss.R IN.csv K OUT.csv
# localSuppression() with the 13 quasi-identifiers as key variables and the
# exact household size as the strata variable (never suppressed, groups never mix
# sizes), default importance. sdcMicro reads NA as matching anything; hhreg reads
# a blank as a value of its own (strict). So: NA becomes an explicit level and
# localSuppression runs again until every strict group has K persons; a
# household item blanked for one member is blanked for the whole household (a
# reader fills it in from the others), and the strict finishing repeats if that
# changed anything. Prints the seconds of the first run and in all, the runs, those
# finished by the last-resort rule below, and the blanks after the first run (NA
# matching anything); OUT.csv has the same columns as IN.
args <- commandArgs(trailingOnly = TRUE)
stopifnot(length(args) == 3)
.libPaths(c(Sys.getenv("SDCMICRO_LIB", "/tmp/sdc-lib"), .libPaths()))
suppressMessages(library(sdcMicro))
k <- as.integer(args[2])
hh_items <- c("area", "hh_type", "dwelling", "tenure")
qi <- c(hh_items, "age", "sex", "relationship", "marital", "ethnicity", "nationality", "residence", "education",
        "activity")
BLANK <- "(blank)"  # the explicit level of the strict reading

t <- read.csv(args[1], colClasses = "character", na.strings = "")
if (any(table(t$hh_size) < k)) stop("a household size has fewer than k persons: k cannot be reached")

suppress <- function(x) {  # one localSuppression(), factors in and out
  d <- data.frame(lapply(x[qi], factor), hh_size = t$hh_size)
  a <- localSuppression(d, k = k, keyVars = qi, strataVars = "hh_size")$xAnon
  x[qi] <- lapply(a[qi], as.character)
  x
}
strict_at_risk <- function(x) {  # persons in groups under k, a blank being a value of its own
  key <- do.call(paste, c(lapply(x[qi], function(v) ifelse(is.na(v), BLANK, v)), list(t$hh_size, sep = "\r")))
  sum(ave(seq_along(key), key, FUN = length) < k)
}
household_wide <- function(x) {  # a household item blank for one member is blank for all
  for (v in hh_items) x[[v]][ave(is.na(x[[v]]), t$hh, FUN = any)] <- NA
  x
}

# localSuppression() can stall on the strict reading: it "suppresses" explicit
# blanks, which changes nothing. Then each person still at risk gets one blank by
# its rule for an instance with no candidate: the first variable, in its default
# importance order (most categories first), that is not blank for the person.
blank_own <- function(x, levelled) {
  n <- sapply(levelled[qi], function(v) length(table(v)))
  importance <- match(names(n), names(sort(n, decreasing = FALSE)))
  order <- qi[order((length(qi) + 1) - importance)]
  key <- do.call(paste, c(lapply(levelled[qi], identity), list(t$hh_size, sep = "\r")))
  for (p in which(ave(seq_along(key), key, FUN = length) < k)) {
    v <- order[!is.na(unlist(x[p, order]))][1]
    if (!is.na(v)) x[[v]][p] <- NA
  }
  if (sum(is.na(x)) > sum(levelled == BLANK)) return(x)
  # nothing left to blank: the all-blank group of a size is too small, so persons
  # of that size are blanked in full to join it (hhreg's rule; sdcMicro has none)
  set.seed(3)
  for (s in unique(t$hh_size[ave(seq_along(key), key, FUN = length) < k])) {
    blank <- t$hh_size == s & rowSums(is.na(x)) == length(qi)
    donors <- which(t$hh_size == s & !blank)
    take <- donors[sample.int(length(donors), min(length(donors), k - sum(blank)))]
    x[take, ] <- NA
  }
  x
}

start <- proc.time()[["elapsed"]]
x <- suppress(t[qi])
first <- proc.time()[["elapsed"]] - start
first_blanks <- sum(is.na(x))
runs <- 1
fallbacks <- 0
repeat {
  while (strict_at_risk(x) > 0) {
    before <- sum(is.na(x))
    levelled <- x
    levelled[] <- lapply(x, function(v) ifelse(is.na(v), BLANK, v))
    x <- suppress(levelled)
    x[] <- lapply(x, function(v) ifelse(v %in% BLANK, NA, v))
    runs <- runs + 1
    if (sum(is.na(x)) == before) {  # it only "suppressed" explicit blanks: sdcMicro's own last resort
      x <- blank_own(x, levelled)
      fallbacks <- fallbacks + 1
    }
  }
  widened <- household_wide(x)
  if (sum(is.na(widened)) == sum(is.na(x))) break
  x <- widened
}
t[qi] <- x
write.csv(t, args[3], row.names = FALSE, na = "")
cat(sprintf("%.2f %.2f %d %d %d\n", first, proc.time()[["elapsed"]] - start, runs, fallbacks, first_blanks))
