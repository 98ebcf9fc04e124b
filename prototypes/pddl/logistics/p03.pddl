; Small fixed logistics problem (generated once by a seeded generator).
(define (problem logistics-3-4-3) (:domain logistics)
  (:objects city1 city2 city3 - city apt1 apt2 apt3 - airport
    post1 post2 post3 - location truck1 truck2 truck3 - truck
    plane1 - airplane pkg1 pkg2 pkg3 pkg4 - package)
  (:init (in-city apt1 city1) (in-city post1 city1) (at truck1 apt1) (in-city apt2 city2) (in-city post2 city2) (at truck2 apt2) (in-city apt3 city3) (in-city post3 city3) (at truck3 post3) (at plane1 apt3) (at pkg1 post1) (at pkg2 post3) (at pkg3 post2) (at pkg4 apt1))
  (:goal (and (at pkg1 post2) (at pkg2 apt1) (at pkg3 post1) (at pkg4 apt3))))
