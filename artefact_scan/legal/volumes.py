"""Which years a reporter volume can hold: an offline check of `volume Reporter page (year)`.

Reporters are published in order: volume N+1 follows volume N, so the decisions printed in a
volume lie between the decisions of the volumes around it.  Each series below has a few
*anchors*, a volume and the year of a well-known decision printed in it (the decision is named
beside each anchor, so every row can be checked in any library), plus the series' first volume
in its first year and, for a closed series, its last volume in its last year.  A volume between
two anchors holds decisions of the years between the anchors' years:

    volume 123 of F.3d lies between 105 F.3d (1997) and 129 F.3d (1997): it holds decisions of
    1997, so "123 F.3d 456 (2d Cir. 2015)" cannot be right.

Assumptions, all chosen so that a real citation never fails:

- the window between two anchors is the whole span of their years (no interpolation), and a
  citation is reported only when its year lies more than `TOLERANCE` (3) years outside it:
  decisions are often printed a year or two after they were decided, early volumes span many
  years, and a few opinions are printed late;
- series' first and last years and final volumes are the publisher's (they agree with
  reporters-db where it has them, and correct it for F.R.D., which began in 1940, not 2001);
- a series still open grows by at most `rate` volumes a year after its last anchor, about twice
  its real pace (F.4th has added some 35 volumes a year, F. Supp. 3d some 75, the regional
  reporters 20-25), so a volume far beyond what has been printed cannot carry an early year:
  "512 F.4th 100 (9th Cir. 2024)" is impossible (F.4th was near volume 130 in 2025).  That bound
  keeps one year of tolerance, since it is itself generous.

Anchors are only added where the volume and year of the decision are settled; a series with
sparse anchors simply gets wide windows, which only makes the check more lenient.
"""
from __future__ import annotations

TOLERANCE = 3  # years a citation may lie outside its volume's window before it is impossible
FRONTIER_TOLERANCE = 1  # years of slack beyond the growth bound of a series still open

# series -> anchors (volume, year, decision printed in that volume in that year), ascending.
ANCHORS: dict[str, tuple[tuple[int, int, str], ...]] = {
    "U.S.": (
        (1, 1754, "1 Dall.: Pennsylvania decisions from 1754"), (5, 1801, "1 Cranch (Marbury v. Madison, 1803)"),
        (14, 1816, "1 Wheat."), (17, 1819, "McCulloch v. Maryland"), (22, 1824, "Gibbons v. Ogden"),
        (26, 1828, "1 Pet."), (42, 1843, "1 How."), (60, 1857, "Dred Scott v. Sandford"), (66, 1861, "1 Black"),
        (68, 1863, "1 Wall."), (91, 1875, "1 Otto"), (100, 1879, "October Term 1879"), (150, 1893, "October Term 1893"),
        (163, 1896, "Plessy v. Ferguson"), (198, 1905, "Lochner v. New York"), (249, 1919, "Schenck v. United States"),
        (274, 1927, "Buck v. Bell"), (300, 1936, "West Coast Hotel Co. v. Parrish (1937)"), (304, 1938, "Erie R.R. v. Tompkins"),
        (317, 1942, "Wickard v. Filburn"), (323, 1944, "Korematsu v. United States"),
        (326, 1945, "International Shoe Co. v. Washington"), (343, 1952, "Youngstown Sheet & Tube Co. v. Sawyer"),
        (347, 1954, "Brown v. Board of Education"), (367, 1961, "Mapp v. Ohio"), (372, 1963, "Gideon v. Wainwright"),
        (376, 1964, "New York Times Co. v. Sullivan"), (384, 1966, "Miranda v. Arizona"), (410, 1973, "Roe v. Wade"),
        (418, 1974, "United States v. Nixon"), (438, 1978, "Regents of Univ. of Cal. v. Bakke"),
        (467, 1984, "Chevron U.S.A. Inc. v. NRDC"), (477, 1986, "Celotex Corp. v. Catrett"),
        (499, 1991, "Feist Publications, Inc. v. Rural Telephone Service Co."),
        (505, 1992, "Planned Parenthood v. Casey"), (509, 1993, "Daubert v. Merrell Dow Pharmaceuticals, Inc."),
        (531, 2000, "Bush v. Gore"), (539, 2003, "Lawrence v. Texas"), (550, 2007, "Bell Atlantic Corp. v. Twombly"),
        (554, 2008, "District of Columbia v. Heller"), (556, 2009, "Ashcroft v. Iqbal"),
        (558, 2010, "Citizens United v. FEC"), (573, 2014, "Alice Corp. v. CLS Bank International"),
        (576, 2015, "Obergefell v. Hodges"), (597, 2022, "Dobbs v. Jackson Women's Health Org."),
        (600, 2023, "Students for Fair Admissions v. Harvard"), (603, 2024, "Loper Bright Enterprises v. Raimondo"),
    ),
    "S. Ct.": (
        (1, 1882, "first volume"), (16, 1896, "Plessy v. Ferguson"), (25, 1905, "Lochner v. New York"),
        (39, 1919, "Schenck v. United States"), (58, 1938, "Erie R.R. v. Tompkins"), (63, 1942, "Wickard v. Filburn"),
        (65, 1944, "Korematsu v. United States"), (66, 1945, "International Shoe Co. v. Washington"),
        (72, 1952, "Youngstown Sheet & Tube Co. v. Sawyer"), (74, 1954, "Brown v. Board of Education"),
        (81, 1961, "Mapp v. Ohio"), (83, 1963, "Gideon v. Wainwright"), (84, 1964, "New York Times Co. v. Sullivan"),
        (86, 1966, "Miranda v. Arizona"), (93, 1973, "Roe v. Wade"), (104, 1984, "Chevron U.S.A. Inc. v. NRDC"),
        (106, 1986, "Celotex Corp. v. Catrett"), (111, 1991, "Feist Publications v. Rural Telephone"),
        (113, 1993, "Daubert v. Merrell Dow"), (121, 2000, "Bush v. Gore"), (127, 2007, "Bell Atlantic Corp. v. Twombly"),
        (129, 2009, "Ashcroft v. Iqbal"), (130, 2010, "Citizens United v. FEC"), (134, 2014, "Alice Corp. v. CLS Bank"),
        (135, 2015, "Obergefell v. Hodges"), (142, 2022, "Dobbs v. Jackson Women's Health Org."),
        (143, 2023, "Students for Fair Admissions v. Harvard"), (144, 2024, "Loper Bright Enterprises v. Raimondo"),
    ),
    "L. Ed.": (
        (1, 1754, "1-4 U.S."), (2, 1801, "Marbury v. Madison (1803)"), (4, 1819, "McCulloch v. Maryland"),
        (6, 1824, "Gibbons v. Ogden"), (15, 1857, "Dred Scott v. Sandford"), (41, 1896, "Plessy v. Ferguson"),
        (49, 1905, "Lochner v. New York"), (63, 1919, "Schenck v. United States"), (82, 1938, "Erie R.R. v. Tompkins"),
        (87, 1942, "Wickard v. Filburn"), (89, 1944, "Korematsu v. United States"),
        (90, 1945, "International Shoe Co. v. Washington"), (96, 1952, "Youngstown Sheet & Tube Co. v. Sawyer"),
        (98, 1954, "Brown v. Board of Education"), (100, 1956, "last volume"),
    ),
    "L. Ed. 2d": (
        (1, 1956, "first volume (351 U.S.)"), (6, 1961, "Mapp v. Ohio"), (9, 1963, "Gideon v. Wainwright"),
        (11, 1964, "New York Times Co. v. Sullivan"), (16, 1966, "Miranda v. Arizona"), (35, 1973, "Roe v. Wade"),
        (81, 1984, "Chevron U.S.A. Inc. v. NRDC"), (91, 1986, "Celotex Corp. v. Catrett"),
        (113, 1991, "Feist Publications v. Rural Telephone"), (125, 1993, "Daubert v. Merrell Dow"),
        (167, 2007, "Bell Atlantic Corp. v. Twombly"), (173, 2009, "Ashcroft v. Iqbal"),
        (175, 2010, "Citizens United v. FEC"), (189, 2014, "Alice Corp. v. CLS Bank"), (192, 2015, "Obergefell v. Hodges"),
        (213, 2022, "Dobbs v. Jackson Women's Health Org."),
    ),
    "F.": (
        (1, 1880, "first volume"), (85, 1898, "United States v. Addyston Pipe & Steel Co. (6th Cir.)"),
        (189, 1911, "Parke-Davis & Co. v. H.K. Mulford Co. (S.D.N.Y.)"),
        (225, 1915, "United States v. Motion Picture Patents Co. (E.D. Pa.)"),
        (244, 1917, "Masses Publishing Co. v. Patten (S.D.N.Y.)"), (246, 1917, "Masses Publishing Co. v. Patten (2d Cir.)"),
        (300, 1924, "last volume"),
    ),
    "F.2d": (
        (1, 1924, "first volume"), (45, 1930, "Nichols v. Universal Pictures Corp."), (60, 1932, "The T.J. Hooper"),
        (81, 1936, "Sheldon v. Metro-Goldwyn Pictures Corp."), (148, 1945, "United States v. Aluminum Co. of America"),
        (154, 1946, "Arnstein v. Porter"), (159, 1947, "United States v. Carroll Towing Co."),
        (172, 1948, "Campbell Soup Co. v. Wentz"), (183, 1950, "United States v. Dennis"),
        (202, 1953, "Haelan Laboratories v. Topps Chewing Gum"), (274, 1960, "Peter Pan Fabrics v. Martin Weiner Corp."),
        (287, 1961, "Polaroid Corp. v. Polarad Electronics Corp."), (338, 1964, "Petition of Kinsman Transit Co."),
        (350, 1965, "Williams v. Walker-Thomas Furniture Co."), (428, 1970, "Javins v. First National Realty Corp."),
        (439, 1970, "Kline v. 1500 Massachusetts Ave. Apartment Corp."), (464, 1972, "Canterbury v. Spence"),
        (537, 1976, "Abercrombie & Fitch Co. v. Hunting World, Inc."), (659, 1981, "Universal City Studios v. Sony Corp."),
        (714, 1983, "Apple Computer, Inc. v. Franklin Computer Corp."), (784, 1986, "Texaco, Inc. v. Pennzoil Co."),
        (797, 1986, "Whelan Associates v. Jaslow Dental Laboratory"),
        (818, 1987, "In re Agent Orange Product Liability Litigation"), (849, 1988, "Midler v. Ford Motor Co."),
        (875, 1989, "Rogers v. Grimaldi"), (924, 1991, "Ellison v. Brady"),
        (971, 1992, "White v. Samsung Electronics America, Inc."),
        (982, 1992, "Computer Associates International, Inc. v. Altai, Inc."), (999, 1993, "last volume"),
    ),
    "F.3d": (
        (1, 1993, "first volume"), (33, 1994, "In re Alappat"), (49, 1995, "Lotus Development Corp. v. Borland"),
        (52, 1995, "Markman v. Westview Instruments"), (86, 1996, "ProCD, Inc. v. Zeidenberg"),
        (105, 1997, "Hill v. Gateway 2000, Inc."), (129, 1997, "Zeran v. America Online, Inc."),
        (149, 1998, "State Street Bank & Trust Co. v. Signature Financial Group"),
        (239, 2001, "A&M Records, Inc. v. Napster, Inc."), (253, 2001, "United States v. Microsoft Corp."),
        (306, 2002, "Specht v. Netscape Communications Corp."), (360, 2004, "Ehrlich v. American Airlines, Inc."),
        (415, 2005, "Phillips v. AWH Corp."), (508, 2007, "Perfect 10, Inc. v. Amazon.com, Inc."),
        (521, 2008, "Fair Housing Council v. Roommates.com"), (545, 2008, "In re Bilski"),
        (570, 2009, "Barnes v. Yahoo!, Inc."), (676, 2012, "Viacom International, Inc. v. YouTube, Inc."),
        (750, 2014, "Oracle America, Inc. v. Google Inc."), (755, 2014, "Authors Guild, Inc. v. HathiTrust"),
        (785, 2015, "ACLU v. Clapper"), (804, 2015, "Authors Guild v. Google, Inc."),
        (815, 2016, "Lenz v. Universal Music Corp."), (886, 2018, "Oracle America, Inc. v. Google LLC"),
        (888, 2018, "Naruto v. Slater"), (938, 2019, "hiQ Labs, Inc. v. LinkedIn Corp."),
        (947, 2020, "Juliana v. United States"), (999, 2021, "last volume"),
    ),
    "F.4th": (
        (1, 2021, "first volume"), (31, 2022, "hiQ Labs, Inc. v. LinkedIn Corp."), (43, 2022, "Thaler v. Vidal"),
        (115, 2024, "Hachette Book Group, Inc. v. Internet Archive"), (130, 2025, "Thaler v. Perlmutter"),
    ),
    "F. Supp.": (
        (1, 1932, "first volume"), (5, 1933, "United States v. One Book Called \"Ulysses\""),
        (98, 1951, "Brown v. Board of Education (D. Kan.)"), (103, 1952, "Youngstown Sheet & Tube Co. v. Sawyer"),
        (110, 1953, "United States v. United Shoe Machinery Corp."), (142, 1956, "Browder v. Gayle"),
        (325, 1971, "Wyatt v. Stickney"), (343, 1972, "Pennsylvania Ass'n for Retarded Children v. Pennsylvania"),
        (495, 1979, "Larry P. v. Riles"), (552, 1982, "United States v. AT&T"),
        (584, 1984, "Korematsu v. United States (N.D. Cal.)"), (776, 1991, "Cubby, Inc. v. CompuServe Inc."),
        (839, 1993, "Playboy Enterprises, Inc. v. Frena"), (907, 1995, "Religious Technology Center v. Netcom"),
        (937, 1996, "Bensusan Restaurant Corp. v. King"), (952, 1997, "Zippo Manufacturing Co. v. Zippo Dot Com"),
        (999, 1998, "last volume"),
    ),
    "F. Supp. 2d": (
        (1, 1998, "first volume"), (84, 1999, "United States v. Microsoft Corp. (findings of fact)"),
        (87, 2000, "United States v. Microsoft Corp. (conclusions of law)"),
        (400, 2005, "Kitzmiller v. Dover Area School District"),
        (685, 2010, "Pension Committee v. Banc of America Securities"), (704, 2010, "Perry v. Schwarzenegger"),
        (770, 2011, "Authors Guild v. Google Inc."), (934, 2013, "Capitol Records, LLC v. ReDigi Inc."),
        (954, 2013, "Authors Guild, Inc. v. Google Inc."), (957, 2013, "Klayman v. Obama"),
        (999, 2014, "last volume"),
    ),
    "F. Supp. 3d": (
        (1, 2014, "first volume"), (112, 2015, "Pro-Football, Inc. v. Blackhorse"),
        (217, 2016, "Juliana v. United States (D. Or.)"), (241, 2017, "Hawaii v. Trump"),
        (302, 2018, "Knight First Amendment Institute v. Trump"), (310, 2018, "United States v. AT&T Inc."),
        (664, 2023, "Hachette Book Group, Inc. v. Internet Archive"), (678, 2023, "Mata v. Avianca, Inc."),
    ),
    "F.R.D.": (
        (1, 1940, "first volume"), (39, 1966, "1966 amendments to the Civil Rules, advisory committee notes"),
        (97, 1983, "1983 amendments to the Civil Rules, advisory committee notes"),
        (146, 1993, "1993 amendments to the Civil Rules, advisory committee notes"),
        (217, 2003, "Zubulake v. UBS Warburg LLC"), (241, 2007, "Lorraine v. Markel American Insurance Co."),
        (250, 2008, "Victor Stanley, Inc. v. Creative Pipe, Inc."), (287, 2012, "Da Silva Moore v. Publicis Groupe"),
        (306, 2015, "Rio Tinto PLC v. Vale S.A."),
    ),
    "B.R.": (
        (1, 1979, "first volume"), (36, 1984, "In re Johns-Manville Corp."), (147, 1992, "In re Integrated Resources, Inc."),
        (405, 2009, "In re Chrysler LLC"), (633, 2021, "In re Purdue Pharma L.P."), (647, 2023, "In re Celsius Network LLC"),
    ),
    # regional reporters (West's National Reporter System)
    "A.": (
        (1, 1885, "first volume"), (6, 1886, "Pennsylvania Coal Co. v. Sanderson"), (71, 1908, "Ploof v. Putnam"),
        (146, 1929, "Hawkins v. McGee"), (200, 1938, "last volume"),
    ),
    "A.2d": (
        (1, 1938, "first volume"), (5, 1939, "Guth v. Loft, Inc."), (93, 1952, "Sterling v. Mayflower Hotel Corp."),
        (161, 1960, "Henningsen v. Bloomfield Motors, Inc."), (188, 1963, "Graham v. Allis-Chalmers Mfg. Co."),
        (199, 1964, "Cheff v. Mathes"), (277, 1971, "State v. Shack"), (280, 1971, "Sinclair Oil Corp. v. Levien"),
        (380, 1977, "Singer v. Magnavox Co."), (430, 1981, "Zapata Corp. v. Maldonado"), (457, 1983, "Weinberger v. UOP, Inc."),
        (473, 1984, "Aronson v. Lewis"), (488, 1985, "Smith v. Van Gorkom"), (493, 1985, "Unocal Corp. v. Mesa Petroleum Co."),
        (506, 1986, "Revlon, Inc. v. MacAndrews & Forbes Holdings"), (537, 1988, "In re Baby M"),
        (564, 1988, "Blasius Industries, Inc. v. Atlas Corp."), (637, 1994, "Paramount Communications v. QVC Network"),
        (698, 1996, "In re Caremark International Inc. Derivative Litigation"), (744, 1999, "Baker v. State (Vt.)"),
        (746, 2000, "Brehm v. Eisner"), (818, 2003, "Omnicare, Inc. v. NCS Healthcare, Inc."),
        (843, 2004, "Kelo v. City of New London (Conn.)"), (906, 2006, "In re Walt Disney Co. Derivative Litigation"),
        (911, 2006, "Stone v. Ritter"), (957, 2008, "Kerrigan v. Commissioner of Public Health"),
        (970, 2009, "Lyondell Chemical Co. v. Ryan"), (999, 2010, "last volume"),
    ),
    "A.3d": (
        (1, 2010, "first volume"), (67, 2013, "In re MFW Shareholders Litigation"), (73, 2013, "In re Trados Inc."),
        (88, 2014, "Kahn v. M & F Worldwide Corp."), (125, 2015, "Corwin v. KKR Financial Holdings LLC"),
        (212, 2019, "Marchand v. Barnhill"), (289, 2023, "In re McDonald's Corp. Stockholder Derivative Litigation"),
    ),
    "N.E.": (
        (1, 1884, "first volume"), (27, 1891, "Hamer v. Sidway"), (59, 1901, "Hurley v. Eddingfield"),
        (111, 1916, "MacPherson v. Buick Motor Co."), (118, 1917, "Wood v. Lucy, Lady Duff-Gordon"),
        (125, 1919, "Dougherty v. Salt"), (129, 1921, "Jacob & Youngs, Inc. v. Kent"), (135, 1922, "Glanzer v. Shepard"),
        (159, 1927, "Allegheny College v. National Chautauqua County Bank"), (160, 1928, "Mitchill v. Lath"),
        (162, 1928, "Palsgraf v. Long Island R.R."), (164, 1928, "Meinhard v. Salmon"),
        (174, 1931, "Ultramares Corp. v. Touche"), (200, 1936, "last volume"),
    ),
    "N.E.2d": (
        (1, 1936, "first volume"), (15, 1938, "Neponsit Property Owners' Ass'n v. Emigrant Industrial Savings Bank"),
        (102, 1951, "Woods v. Lancet"), (143, 1957, "Bing v. Thunig"), (176, 1961, "Battalla v. State"),
        (181, 1962, "Randy Knitwear, Inc. v. American Cyanamid Co."), (191, 1963, "Goldberg v. Kollsman Instrument Corp."),
        (257, 1970, "Boomer v. Atlantic Cement Co."), (296, 1973, "Sullivan v. O'Connor"), (386, 1978, "Becker v. Schwartz"),
        (414, 1980, "Derdiarian v. Felix Contracting Corp."), (482, 1985, "Strauss v. Belle Realty Co."),
        (497, 1986, "People v. Goetz"), (539, 1989, "Hymowitz v. Eli Lilly & Co."),
        (798, 2003, "Goodridge v. Department of Public Health"), (999, 2013, "last volume"),
    ),
    "N.E.3d": (
        (1, 2013, "first volume"), (129, 2019, "Rosenbach v. Six Flags Entertainment Corp."),
        (216, 2023, "Cothron v. White Castle System, Inc."),
    ),
    "N.W.": (
        (1, 1879, "first volume"), (33, 1887, "Sherwood v. Walker"), (50, 1891, "Vosburg v. Putney"),
        (77, 1898, "Ricketts v. Scothorn"), (104, 1905, "Mohr v. Williams"),
        (124, 1910, "Vincent v. Lake Erie Transportation Co."), (286, 1939, "Groves v. John Wunder Co."),
        (300, 1941, "last volume"),
    ),
    "N.W.2d": (
        (1, 1941, "first volume"), (86, 1957, "Lefkowitz v. Great Minneapolis Surplus Store"),
        (133, 1965, "Hoffman v. Red Owl Stores, Inc."), (183, 1971, "Katko v. Briney"),
        (304, 1981, "Poletown Neighborhood Council v. City of Detroit"), (684, 2004, "County of Wayne v. Hathcock"),
        (763, 2009, "Varnum v. Brien"),
    ),
    "N.W.3d": ((1, 2023, "first volume"),),
    "P.": (
        (1, 1883, "first volume"), (74, 1903, "Katz v. Walkinshaw"), (300, 1931, "last volume"),
    ),
    "P.2d": (
        (1, 1931, "first volume"), (83, 1938, "Van Sandt v. Royster"), (150, 1944, "Escola v. Coca Cola Bottling Co."),
        (154, 1944, "Ybarra v. Spangard"), (199, 1948, "Summers v. Tice"), (279, 1955, "Garratt v. Dailey"),
        (333, 1958, "Drennan v. Star Paving Co."), (377, 1963, "Greenman v. Yuba Power Products, Inc."),
        (441, 1968, "Dillon v. Legg"), (443, 1968, "Rowland v. Christian"),
        (494, 1972, "Spur Industries, Inc. v. Del E. Webb Development Co."), (519, 1974, "Helling v. Carey"),
        (532, 1975, "Li v. Yellow Cab Co."), (551, 1976, "Tarasoff v. Regents of University of California"),
        (557, 1976, "Marvin v. Marvin"), (607, 1980, "Sindell v. Abbott Laboratories"), (771, 1989, "Thing v. La Chusa"),
        (793, 1990, "Moore v. Regents of University of California"), (865, 1994, "Hill v. NCAA"),
        (999, 2000, "last volume"),
    ),
    "P.3d": (
        (1, 2000, "first volume"), (5, 2000, "In re Marriage of Bonds"), (183, 2008, "In re Marriage Cases"),
        (207, 2009, "Strauss v. Horton"), (416, 2018, "Dynamex Operations West, Inc. v. Superior Court"),
        (543, 2023, "Anderson v. Griswold"),
    ),
    "S.E.": (
        (1, 1887, "first volume"), (50, 1905, "Pavesich v. New England Life Insurance Co."), (200, 1939, "last volume"),
    ),
    "S.E.2d": (
        (1, 1939, "first volume"), (36, 1945, "Harrington v. Taylor"), (84, 1954, "Lucy v. Zehmer"),
        (147, 1966, "Loving v. Commonwealth"), (488, 1997, "Leandro v. State"), (886, 2023, "Harper v. Hall"),
    ),
    "S.W.": (
        (1, 1886, "first volume"), (105, 1907, "Embry v. Hargadine, McKittrick Dry Goods Co."),
        (289, 1927, "Scopes v. State"), (300, 1928, "last volume"),
    ),
    "S.W.2d": (
        (1, 1928, "first volume"), (226, 1949, "Batsakis v. Demotsis"), (424, 1967, "Fisher v. Carrousel Motor Hotel, Inc."),
        (729, 1987, "Texaco, Inc. v. Pennzoil, Co."), (760, 1988, "Cruzan v. Harmon"),
        (777, 1989, "Edgewood Independent School District v. Kirby"),
        (790, 1989, "Rose v. Council for Better Education, Inc."), (842, 1992, "Commonwealth v. Wasson"),
        (926, 1996, "Campbell v. Sundquist"), (999, 1999, "last volume"),
    ),
    "S.W.3d": (
        (1, 1999, "first volume"), (41, 2001, "Lawrence v. State (Tex. App.)"), (148, 2004, "In re Prudential Insurance Co."),
        (176, 2005, "Neely v. West Orange-Cove Consolidated ISD"), (490, 2016, "Morath v. Texas Taxpayer & Student Fairness Coalition"),
        (538, 2017, "Pidgeon v. Turner"),
    ),
    "So.": (
        (1, 1886, "first volume"), (168, 1935, "Webb v. McGowin"), (200, 1941, "last volume"),
    ),
    "So. 2d": (
        (1, 1941, "first volume"), (280, 1973, "Hoffman v. Jones"), (322, 1975, "Tedder v. State"),
        (772, 2000, "Palm Beach County Canvassing Board v. Harris"), (885, 2004, "Bush v. Schiavo"),
        (919, 2006, "Bush v. Holmes"), (999, 2008, "last volume"),
    ),
    "So. 3d": (
        (1, 2008, "first volume"), (202, 2016, "Hurst v. State"), (297, 2020, "State v. Poole"),
    ),
    "Cal. Rptr.": (
        (1, 1959, "first volume"), (27, 1963, "Greenman v. Yuba Power Products, Inc."),
        (32, 1963, "Tunkl v. Regents of University of California"), (69, 1968, "Dillon v. Legg"),
        (70, 1968, "Rowland v. Christian"), (119, 1975, "Li v. Yellow Cab Co."),
        (131, 1976, "Tarasoff v. Regents of University of California"), (134, 1976, "Marvin v. Marvin"),
        (163, 1980, "Sindell v. Abbott Laboratories"), (257, 1989, "Thing v. La Chusa"),
        (271, 1990, "Moore v. Regents of University of California"),
    ),
    "Cal. Rptr. 2d": (
        (1, 1991, "first volume"), (26, 1994, "Hill v. NCAA"), (99, 2000, "In re Marriage of Bonds"),
    ),
    "Cal. Rptr. 3d": (
        (1, 2003, "first volume"), (76, 2008, "In re Marriage Cases"), (93, 2009, "Strauss v. Horton"),
        (232, 2018, "Dynamex Operations West, Inc. v. Superior Court"),
    ),
}

# Series still open -> the most volumes they can add in a year after their last anchor (about
# twice their pace since that anchor; see the module's notes).
RATE: dict[str, int] = {
    "U.S.": 6, "S. Ct.": 2, "L. Ed. 2d": 8, "F.4th": 60, "F. Supp. 3d": 130, "F.R.D.": 20, "B.R.": 40,
    "A.3d": 45, "N.E.3d": 45, "N.W.2d": 60, "N.W.3d": 45, "P.3d": 45, "S.E.2d": 45, "S.W.3d": 45,
    "So. 3d": 45, "Cal. Rptr. 3d": 35,
}


def window(rep: str, volume: int, end: int | None = None) -> tuple[int, int | None, str] | None:
    """The years a volume's decisions can bear, before tolerance: (first, last or None when the
    series is open past its last anchor, the anchors that bound it).  `end` is the series'
    last year when it is closed.  None when there is no table or the volume precedes it."""
    rows = ANCHORS.get(rep)
    if not rows or volume < rows[0][0]:
        return None
    below = rows[0]
    above = None
    for row in rows:
        if row[0] <= volume:
            below = row
        else:
            above = row
            break
    if above is not None:
        return below[1], above[1], f"anchors {below[0]} {rep} ({below[1]}) and {above[0]} {rep} ({above[1]})"
    return below[1], end, f"anchor {below[0]} {rep} ({below[1]})"


def earliest_year(rep: str, volume: int) -> tuple[int, str] | None:
    """For a series still open, the first year a volume past its last anchor can have been
    printed in, from the growth bound: (year, explanation) or None."""
    rows, rate = ANCHORS.get(rep), RATE.get(rep)
    if not rows or not rate or volume <= rows[-1][0]:
        return None
    v, y, _ = rows[-1]
    year = y + (volume - v) // rate
    return year, f"{rep} was near volume {v} in {y} and adds at most {rate} volumes a year"


def impossible(rep: str, volume: int, year: int, end: int | None = None) -> str | None:
    """The contradiction between a volume and a citation's year, or None when they can fit."""
    w = window(rep, volume, end)
    if w is None:
        return None
    lo, hi, basis = w
    if year < lo - TOLERANCE or (hi is not None and year > hi + TOLERANCE):
        span = f"{lo}-{hi}" if hi is not None and hi != lo else (f"{lo}" if hi == lo else f"{lo} or later")
        return f"volume {volume} of {rep} holds decisions of {span} ({basis}), not {year}"
    e = earliest_year(rep, volume)
    if e is not None and year < e[0] - FRONTIER_TOLERANCE:
        return f"volume {volume} of {rep} cannot hold a decision of {year}: {e[1]}"
    return None
