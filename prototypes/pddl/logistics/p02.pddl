; Small fixed logistics problem (generated once by a seeded generator).
(define (problem logistics-2-4-2) (:domain logistics)
  (:objects city1 city2 - city apt1 apt2 - airport
    post1 post2 - location truck1 truck2 - truck
    plane1 - airplane pkg1 pkg2 pkg3 pkg4 - package)
  (:init (in-city apt1 city1) (in-city post1 city1) (at truck1 apt1) (in-city apt2 city2) (in-city post2 city2) (at truck2 apt2) (at plane1 apt1) (at pkg1 post1) (at pkg2 apt2) (at pkg3 post1) (at pkg4 post1))
  (:goal (and (at pkg1 apt2) (at pkg2 apt1) (at pkg3 apt2) (at pkg4 post2))))
